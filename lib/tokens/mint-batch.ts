import { chainAuditEvent, type RecordedAuditEvent } from "@/lib/audit/record";
import { timeOrderedId } from "@/lib/ids/time-ordered-id";
import { InvalidClient, InvalidGrant, type OAuthError } from "@/lib/oauth/errors";
import { mintAuditInput, type MintInput } from "./record-mint";
import { refusalAuditInput, type Refusal } from "./record-refusal";

/**
 * A single-use value (client assertion jti, ID-JAG jti) that must be unseen
 * for the request to succeed; recorded in the same transaction as the
 * request's outcome. `replay` is the refusal when it was seen before — data,
 * not an error object: the batch is written on the store's write thread.
 */
export interface JtiClaim {
  key: string;
  expiresAt: Date;
  replay: ReplayRefusal;
}

export interface ReplayRefusal {
  error: "invalid_client" | "invalid_grant";
  description: string;
}

/** The error a replayed claim's request is answered with. */
export function replayError(replay: ReplayRefusal): OAuthError {
  return replay.error === "invalid_client"
    ? new InvalidClient(replay.description)
    : new InvalidGrant(replay.description);
}

/** What one mint writes (see `planBatch` for the rules). */
export type MintRequest = MintInput;

/** One request's durable outcome, as queued for the next group commit. */
export type PendingWrite =
  | { type: "mint"; claims: readonly JtiClaim[]; mint: MintRequest; refusal: Omit<Refusal, "error" | "description"> }
  | { type: "refusal"; claims: readonly JtiClaim[]; refusal: Refusal; at: Date };

export type WriteOutcome =
  | { type: "minted"; sessionId: string; expiresAt: Date; refreshExpiresAt?: Date }
  | { type: "refused" }
  /** A claim was seen before: the request is refused with `replay` (already audited). */
  | { type: "replayed"; replay: ReplayRefusal };

/** A live session as the store holds it. */
export interface LiveSession {
  id: string;
  scopes: string;
  /** Space-separated ids of the tools granted so far (AgentSession.toolIds). */
  toolIds: string;
  expiresAt: Date;
  authTime: Date | null;
}

export interface NewSessionRow {
  id: string;
  agentId: string;
  userId: string | null;
  serverId: string;
  scopes: string;
  toolIds: string;
  grantType: string;
  authTime: Date | null;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  reauthDueAt: Date | null;
  risk: string;
  tokenCount: number;
}

export interface SessionUpdate {
  id: string;
  scopes: string;
  toolIds: string;
  lastUsedAt: Date;
  tokenDelta: number;
  risk: string;
  /** Set when a fresher person authentication moved authTime and reauthDueAt. */
  auth: { authTime: Date; reauthDueAt: Date | null } | null;
}

export interface TokenRow {
  id: string;
  jti: string;
  kind: string;
  sessionId: string;
  clientId: string;
  audience: string;
  scopes: string;
  issuedAt: Date;
  expiresAt: Date;
}

export interface BatchRows {
  newSessions: NewSessionRow[];
  sessionUpdates: SessionUpdate[];
  tokens: TokenRow[];
  audit: RecordedAuditEvent[];
  outcomes: WriteOutcome[];
}

/** Space-separated values (OAuth scope syntax): the union of `current` and `added`, sorted and each once. */
function union(current: string, added: readonly string[]): string {
  return [...new Set([...current.split(" ").filter(Boolean), ...added])].sort().join(" ");
}

export const sessionKey = (agentId: string, userId: string | null, serverId: string): string =>
  `${agentId}\u0000${userId ?? ""}\u0000${serverId}`;

interface SessionState {
  id: string;
  scopes: string;
  toolIds: string;
  expiresAt: Date;
  authTime: Date | null;
  row: NewSessionRow | null;
  update: SessionUpdate | null;
}

/**
 * Turns a batch of requests into the rows one transaction writes, with the
 * same rules as the one-transaction-per-mint writer had, applied in arrival order: a mint extends the
 * live session of its agent, person and server (or opens one), and every
 * request appends its audit event to the token stream after `head`.
 * `claimFailed[i]` is the first claim of request i that was seen before.
 * `liveSession` answers from the store as of this transaction.
 */
export function planBatch(
  items: readonly PendingWrite[],
  claimFailed: readonly (JtiClaim | null)[],
  liveSession: (key: string, now: Date) => LiveSession | null,
  head: { seq: number; hash: string } | null,
): BatchRows {
  const out: BatchRows = { newSessions: [], sessionUpdates: [], tokens: [], audit: [], outcomes: [] };
  const touched = new Map<string, SessionState>();
  let last = head;
  const append = (input: Parameters<typeof chainAuditEvent>[0]) => {
    const event = chainAuditEvent(input, last);
    out.audit.push(event);
    last = { seq: event.seq, hash: event.hash };
  };

  items.forEach((item, i) => {
    const failed = claimFailed[i];
    if (failed) {
      const { error, description } = failed.replay;
      append(
        refusalAuditInput({ ...item.refusal, error, description }, item.type === "mint" ? item.mint.now : item.at),
      );
      out.outcomes.push({ type: "replayed", replay: failed.replay });
      return;
    }
    if (item.type === "refusal") {
      append(refusalAuditInput(item.refusal, item.at));
      out.outcomes.push({ type: "refused" });
      return;
    }
    const m = item.mint;
    const { decision, now } = m;
    const key = sessionKey(m.agent.id, m.user?.id ?? null, decision.server.id);
    const reauthDueAt =
      m.authTime && decision.reauthIntervalSeconds
        ? new Date(m.authTime.getTime() + decision.reauthIntervalSeconds * 1000)
        : null;
    let state = touched.get(key);
    if (!state || state.expiresAt <= now) {
      const live = liveSession(key, now);
      state = live && live.id !== state?.id ? { ...live, row: null, update: null } : undefined;
    }
    if (state) {
      const scopes = union(state.scopes, decision.scopes);
      // The session records every tool any of its tokens grants: a removal is checked against all of them.
      const toolIds = union(
        state.toolIds,
        decision.tools.map((t) => t.id),
      );
      const fresher = m.authTime !== null && (!state.authTime || m.authTime > state.authTime);
      state.scopes = scopes;
      state.toolIds = toolIds;
      if (fresher) state.authTime = m.authTime;
      if (state.row) {
        Object.assign(state.row, {
          scopes,
          toolIds,
          lastUsedAt: now,
          risk: decision.risk,
          tokenCount: state.row.tokenCount + 1,
        });
        if (fresher) Object.assign(state.row, { authTime: m.authTime, reauthDueAt });
      } else {
        if (!state.update) {
          state.update = {
            id: state.id,
            scopes,
            toolIds,
            lastUsedAt: now,
            tokenDelta: 0,
            risk: decision.risk,
            auth: null,
          };
          out.sessionUpdates.push(state.update);
        }
        Object.assign(state.update, {
          scopes,
          toolIds,
          lastUsedAt: now,
          risk: decision.risk,
          tokenDelta: state.update.tokenDelta + 1,
        });
        if (fresher && m.authTime) state.update.auth = { authTime: m.authTime, reauthDueAt };
      }
    } else {
      const maxEnd = now.getTime() + decision.maxSessionSeconds * 1000;
      const row: NewSessionRow = {
        id: timeOrderedId(now.getTime()),
        agentId: m.agent.id,
        userId: m.user?.id ?? null,
        serverId: decision.server.id,
        scopes: [...decision.scopes].sort().join(" "),
        toolIds: union(
          "",
          decision.tools.map((t) => t.id),
        ),
        grantType: m.grantType,
        authTime: m.authTime,
        createdAt: now,
        lastUsedAt: now,
        expiresAt: new Date(decision.until ? Math.min(maxEnd, decision.until.getTime()) : maxEnd),
        reauthDueAt,
        risk: decision.risk,
        tokenCount: 1,
      };
      out.newSessions.push(row);
      state = {
        id: row.id,
        scopes: row.scopes,
        toolIds: row.toolIds,
        expiresAt: row.expiresAt,
        authTime: row.authTime,
        row,
        update: null,
      };
    }
    touched.set(key, state);
    // No token outlives its session, nor the grants behind its tools: a session extended by this mint keeps its own
    // end, and an assignment that expires before it must not leave this token calling its tools.
    const ends = [now.getTime() + m.lifetimeSeconds * 1000, state.expiresAt.getTime()];
    if (decision.until) ends.push(decision.until.getTime());
    const expiresAt = new Date(Math.min(...ends));
    out.tokens.push({
      id: timeOrderedId(now.getTime()),
      jti: m.jti,
      kind: m.kind,
      sessionId: state.id,
      clientId: m.agent.clientId,
      audience: m.audience,
      scopes: decision.scopes.join(" "),
      issuedAt: now,
      expiresAt,
    });
    let refreshExpiresAt: Date | undefined;
    if (m.refreshToken) {
      // Bound to the session: it ends with it (revocation, maximum session) and when re-authentication is due.
      refreshExpiresAt = new Date(Math.min(state.expiresAt.getTime(), reauthDueAt ? reauthDueAt.getTime() : Infinity));
      out.tokens.push({
        id: timeOrderedId(now.getTime()),
        jti: m.refreshToken.jti,
        kind: "refresh_token",
        sessionId: state.id,
        clientId: m.agent.clientId,
        audience: m.audience,
        scopes: decision.scopes.join(" "),
        issuedAt: now,
        expiresAt: refreshExpiresAt,
      });
    }
    append(mintAuditInput(m, state.id, expiresAt, refreshExpiresAt));
    out.outcomes.push({
      type: "minted",
      sessionId: state.id,
      expiresAt,
      ...(refreshExpiresAt ? { refreshExpiresAt } : {}),
    });
  });
  return out;
}
