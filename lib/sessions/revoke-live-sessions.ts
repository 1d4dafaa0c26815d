import { randomUUID } from "node:crypto";
import type { Db, Tx } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/sqlite/client";
import { recordAudit, type AuditInput } from "@/lib/audit/record";
import { recordAuditBatch } from "@/lib/audit/record-batch";
import { actorOf, type Principal } from "@/lib/auth/principal";
import { timeOrderedId } from "@/lib/ids/time-ordered-id";
import { sessionRevokedClaims, CAEP_SESSION_REVOKED } from "@/lib/security-events/caep";
import { revocationBus } from "@/lib/gateway/revocation-bus";
import { announceRevoked } from "./announce";
import { lockRevocations, notifyRevocations } from "@/lib/db/stores/revocations";

/** What an operation revoked, for its audit detail (each session's event says which operation it was part of). */
export type RevocationOperation =
  | { kind: "sessions" }
  | { kind: "agent"; agentId: string }
  | { kind: "user"; userId: string }
  | { kind: "server"; serverId: string; emergency?: boolean }
  | { kind: "agent_suspended"; agentId: string }
  | { kind: "idle_timeout" }
  /** An access review or a removal of unused access ended or narrowed the grant behind the session. */
  | { kind: "access_removed"; serverId: string; assignmentId?: string }
  /** The person the sessions acted for left the directory (the directory's own audit event). */
  | { kind: "offboarding"; userId: string; directoryEventId: string }
  /** A used authorization code or a rotated refresh token came back (RFC 9700 §4.5, §4.14.2): the session is assumed stolen. */
  | { kind: "reuse_detected"; token: "authorization_code" | "refresh_token" }
  // Removals of access (lib/sessions/reconcile-live-sessions.ts): the sessions that lost a tool.
  /** Grants ended: in the console or API, by a policy file, an agent's retirement or a group's deletion. */
  | { kind: "assignment_ended"; assignmentIds: string[] }
  /** A grant narrowed in place: more of its entitlement's tools excluded. */
  | { kind: "assignment_narrowed"; assignmentId: string }
  /** Grants past their expiry (the session sweeper). */
  | { kind: "assignment_expired"; assignmentIds: string[] }
  /** People left a group (SCIM PATCH, PUT or the group's DELETE): what they reached through it. */
  | { kind: "group_membership_removed"; groupId: string; userIds: string[] }
  /** Tools rejected, gone from their server, or back to pending after a sync. */
  | { kind: "tool_withdrawn"; serverId: string; toolIds: string[] }
  /** An entitlement's tools changed, or the entitlement was deleted. */
  | { kind: "entitlement_changed"; entitlementId: string }
  | { kind: "server_deleted"; serverId: string }
  /** A policy file applied in one transaction (its changes are in its own audit events). */
  | { kind: "policy_applied" }
  /** A revocation drill revoked its own canary session (lib/drills/run-drill.ts); never anyone else's. */
  | { kind: "drill"; drillId: string };

/** Who revokes: a console principal, or an audit actor as it is recorded (a SCIM client, a review's reviewer). */
export type Revoker =
  | Principal
  | Pick<AuditInput, "actorType" | "actorId" | "actorLabel" | "requestId" | "clientAddress">;

export interface RevokedSession {
  id: string;
  expiresAt: Date;
}

const ROWS_PER_INSERT = 500;

/** What a transaction revoked, for the announcement on this process's bus once it has committed. */
interface Revoked {
  sessionIds: string[];
  jtis: string[];
}

// Transactions opened by `revokingTransaction` collect here what the revocation functions below revoke in them.
const collectors = new WeakMap<Tx, Revoked>();

/**
 * Runs `fn` in one transaction and, once it has committed, announces on this
 * process's revocation bus every session and token revoked in it — by
 * whatever domain function, however deep — so this instance's gateway
 * refuses them at its next call. Nothing is announced when it rolls back.
 * Other instances learn the same revocations from NOTIFY or the catch-up
 * read of the revocation log, written in the transaction itself.
 */
export async function revokingTransaction<T>(
  db: Db,
  fn: (tx: Tx) => Promise<T>,
  options?: { maxWait?: number; timeout?: number },
): Promise<T> {
  const revoked: Revoked = { sessionIds: [], jtis: [] };
  const result = await db.$transaction((tx) => {
    collectors.set(tx, revoked);
    return fn(tx);
  }, options);
  announceRevoked(revoked.sessionIds);
  for (const jti of revoked.jtis) revocationBus.onTokenRevoked(jti);
  return result;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The one revocation path, inside the caller's transaction: every session
 * `where` matches that is still active is revoked with all its tokens, and in
 * the same transaction
 *  - one `session.revoked` audit event per session,
 *  - one RevocationEvent per session (the catch-up log other instances read),
 *  - one CAEP session-revoked SET per session and enabled receiver (the outbox) — the receivers of the
 *    session's server and those bound to none,
 *  - a NOTIFY to the other instances (PostgreSQL; delivered only on commit).
 * The ids are announced on this process's revocation bus after commit: by
 * `revokingTransaction` when the transaction was opened with it, otherwise by
 * the caller.
 */
export async function revokeLiveSessionsIn(
  tx: Tx,
  actor: Revoker,
  where: Prisma.AgentSessionWhereInput,
  opts: { reason: string; now: Date; operation: RevocationOperation; status?: "revoked" | "expired"; limit?: number },
): Promise<RevokedSession[]> {
  const { now, reason, operation } = opts;
  await lockRevocations(tx);
  const live = await tx.agentSession.findMany({
    where: { AND: [where, { status: "active" }] },
    ...(opts.limit ? { take: opts.limit } : {}),
    select: {
      id: true,
      userId: true,
      agentId: true,
      serverId: true,
      expiresAt: true,
      agent: { select: { name: true, clientId: true } },
      server: { select: { name: true } },
      user: { select: { email: true } },
    },
  });
  if (live.length === 0) return [];
  const status = opts.status ?? "revoked";
  const who = "kind" in actor ? actorOf(actor) : actor;
  for (const ids of chunks(
    live.map((s) => s.id),
    ROWS_PER_INSERT,
  )) {
    await tx.agentSession.updateMany({
      where: { id: { in: ids }, status: "active" },
      data:
        status === "revoked"
          ? { status, revokedAt: now, revokedBy: who.actorId ?? who.actorLabel, revokedReason: reason }
          : { status },
    });
    await tx.issuedToken.updateMany({ where: { sessionId: { in: ids }, revokedAt: null }, data: { revokedAt: now } });
  }
  for (const part of chunks(live, ROWS_PER_INSERT)) {
    await tx.revocationEvent.createMany({
      data: part.map((s) => ({ sessionId: s.id, expiresAt: s.expiresAt, createdAt: now })),
    });
  }
  // One append for every session (one lock, head read and insert), each event naming the session's agent, person and server.
  await recordAuditBatch(
    tx,
    live.map((s) => ({
      action: status === "revoked" ? ("session.revoked" as const) : ("session.expired" as const),
      ...who,
      onBehalfOfId: s.userId,
      targetType: "session",
      targetId: s.id,
      targetLabel: `${s.agent.name} → ${s.server.name}`,
      agentId: s.agentId,
      personId: s.userId,
      serverId: s.serverId,
      decision: status === "revoked" ? ("allow" as const) : ("info" as const),
      reason,
      sessionId: s.id,
      occurredAt: now,
      detail: { before: { status: "active" }, after: { status }, operation },
    })),
  );
  const receivers = await tx.eventReceiver.findMany({ where: { enabled: true }, select: { id: true, serverId: true } });
  if (receivers.length > 0) {
    // A receiver that is one MCP server's CAEP endpoint hears only of sessions on that server (others are none of its
    // business); a receiver bound to no server (a SIEM, say) hears of every session.
    const rows = live.flatMap((s) =>
      receivers
        .filter((r) => r.serverId === null || r.serverId === s.serverId)
        .map((r) => {
          const jti = randomUUID();
          const claims = sessionRevokedClaims(
            { sessionId: s.id, agentClientId: s.agent.clientId, userEmail: s.user?.email ?? null, reason, at: now },
            jti,
          );
          return {
            id: timeOrderedId(now.getTime()),
            receiverId: r.id,
            jti,
            eventType: CAEP_SESSION_REVOKED,
            sessionId: s.id,
            payload: JSON.stringify(claims),
            createdAt: now,
            nextAttemptAt: now,
          };
        }),
    );
    for (const part of chunks(rows, ROWS_PER_INSERT)) await tx.securityEventDelivery.createMany({ data: part });
  }
  await notifyRevocations(
    tx,
    live.map((s) => s.id),
  );
  collectors.get(tx)?.sessionIds.push(...live.map((s) => s.id));
  return live.map((s) => ({ id: s.id, expiresAt: s.expiresAt }));
}

/**
 * One token revoked, not its session (RFC 7009 §2.1: the token presented;
 * the session's other tokens stay valid), through the same path as a
 * session: the revocation lock, the token's `revokedAt`, a RevocationEvent
 * naming its jti (the log other instances catch up from), a NOTIFY, the
 * `token.revoked` audit event and, after commit, this process's bus (inside
 * `revokingTransaction`). No CAEP event: CAEP's session-revoked does not
 * apply, and the session goes on. False when the token was already revoked.
 */
export async function revokeTokenIn(
  tx: Tx,
  actor: Revoker,
  token: { id: string; jti: string; sessionId: string; expiresAt: Date },
  opts: { reason: string; now: Date },
): Promise<boolean> {
  const { now, reason } = opts;
  await lockRevocations(tx);
  const { count } = await tx.issuedToken.updateMany({
    where: { id: token.id, revokedAt: null },
    data: { revokedAt: now },
  });
  if (count === 0) return false;
  await tx.revocationEvent.create({ data: { jti: token.jti, expiresAt: token.expiresAt, createdAt: now } });
  const who = "kind" in actor ? actorOf(actor) : actor;
  await recordAudit(tx, {
    action: "token.revoked",
    ...who,
    targetType: "token",
    targetId: token.id,
    decision: "allow",
    reason,
    sessionId: token.sessionId,
    detail: { jti: token.jti },
    occurredAt: now,
  });
  await notifyRevocations(tx, [], [token.jti]);
  collectors.get(tx)?.jtis.push(token.jti);
  return true;
}
