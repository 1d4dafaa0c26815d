import { chainHash, GENESIS_HASH } from "@/lib/audit/chain";
import { subjectsOf } from "@/lib/audit/record";
import { streamOf, type AuditAction } from "@/lib/audit/actions";
import type { BulkRow, BulkWriter } from "@/lib/db/bulk-insert";
import type { Org, OrgEntitlement } from "./org";
import type { Random } from "./random";
import { T } from "./tables";

const MIN = 60_000,
  HOUR = 3_600_000,
  DAY = 86_400_000;
const RISK_ORDER = { read: 0, write: 1, destructive: 2 } as const;

export interface HistoryPlan {
  sessions: number;
  /** Audit events to aim for in total (sessions' events plus the admin history). */
  events: number;
  windowDays: number;
}

export interface HistoryResult {
  sessions: number;
  tokens: number;
  events: number;
  activeSessions: number;
}

interface SessionTemplate {
  agentId: string;
  clientId: string;
  agentName: string;
  serverId: string;
  serverName: string;
  audience: string;
  grantType: string;
  delegated: boolean;
  /** candidate users (delegated) with the scopes they share with the agent */
  users: { userId: string; scopes: string[] }[];
  scopes: string[];
  entitlement: OrgEntitlement;
  /** tools the agent really calls: a subset of what it is granted */
  used: { id: string; name: string; scope: string; risk: "read" | "write" | "destructive" }[];
  /** tools outside its scopes that it sometimes tries */
  outside: { id: string; name: string; scope: string }[];
}

/**
 * Writes a time-ordered history of agent sessions, their tokens and the audit
 * trail they leave (mints, tool calls, refusals, revocations), streaming in
 * batches so that millions of rows never sit in memory. Every event is hash
 * chained exactly as lib/audit/record.ts chains live events.
 */
export async function writeHistory(
  writer: BulkWriter,
  org: Org,
  rnd: Random,
  now: number,
  plan: HistoryPlan,
  progress: (line: string) => void,
): Promise<HistoryResult> {
  const heads = new Map<string, { seq: number; hash: string }>();
  let events: BulkRow[] = [];
  let sessions: BulkRow[] = [];
  let tokens: BulkRow[] = [];
  const counts = { sessions: 0, tokens: 0, events: 0, activeSessions: 0 };

  const emit = (
    action: AuditAction,
    e: {
      at: number;
      actorType: "user" | "agent" | "system" | "apikey";
      actorId?: string | null;
      actorLabel?: string | null;
      onBehalfOfId?: string | null;
      targetType?: string | null;
      targetId?: string | null;
      targetLabel?: string | null;
      decision: "allow" | "deny" | "info";
      reason?: string | null;
      sessionId?: string | null;
      detail?: unknown;
      agentId?: string | null;
      personId?: string | null;
      serverId?: string | null;
    },
  ) => {
    const stream = streamOf(action);
    const head = heads.get(stream) ?? { seq: 0, hash: GENESIS_HASH };
    const fields = {
      id: rnd.idAt(e.at),
      occurredAt: new Date(e.at),
      stream,
      seq: head.seq + 1,
      actorType: e.actorType,
      actorId: e.actorId ?? null,
      actorLabel: e.actorLabel ?? null,
      onBehalfOfId: e.onBehalfOfId ?? null,
      action,
      targetType: e.targetType ?? null,
      targetId: e.targetId ?? null,
      targetLabel: e.targetLabel ?? null,
      decision: e.decision,
      reason: e.reason ?? null,
      sessionId: e.sessionId ?? null,
      requestId: rnd.hex(8),
      clientAddress:
        e.actorType === "agent"
          ? `10.20.${rnd.int(0, 40)}.${rnd.int(1, 254)}`
          : `10.1.${rnd.int(0, 9)}.${rnd.int(1, 254)}`,
      detail: e.detail ?? null,
      // The agent, person and server ids the app's writers give their events (lib/audit/record.ts).
      ...subjectsOf(e),
    };
    const hash = chainHash(head.hash, fields);
    events.push({ ...fields, prevHash: head.hash, hash });
    heads.set(stream, { seq: fields.seq, hash });
    counts.events++;
  };

  const flush = async () => {
    await writer.insert("AgentSession", T.AgentSession, sessions);
    await writer.insert("IssuedToken", T.IssuedToken, tokens);
    await writer.insert("AuditEvent", T.AuditEvent, events);
    sessions = [];
    tokens = [];
    events = [];
  };

  // ── the admin history that built the model
  const admin = org.adminId;
  const adminLabel = "admin@acme.example";
  const adminEvent = (
    action: AuditAction,
    targetType: string,
    targetId: string,
    targetLabel: string,
    at: number,
    detail?: unknown,
  ) =>
    emit(action, {
      at,
      actorType: "user",
      actorId: admin,
      actorLabel: adminLabel,
      targetType,
      targetId,
      targetLabel,
      decision: "allow",
      reason: "Console change",
      detail,
    });
  const rowsOf = (t: string) => org.rows[t] ?? [];
  for (const s of rowsOf("McpServer"))
    adminEvent("server.registered", "server", s.id as string, s.name as string, (s.createdAt as Date).getTime(), {
      after: { name: s.name, resourceUri: s.resourceUri, enforcementMode: s.enforcementMode },
    });
  for (const t of rowsOf("Tool"))
    if (t.status === "approved")
      adminEvent("tool.approved", "tool", t.id as string, t.name as string, (t.approvedAt as Date).getTime(), {
        before: { status: "pending" },
        after: { status: "approved", risk: t.risk },
      });
  for (const e of rowsOf("Entitlement"))
    adminEvent(
      "entitlement.created",
      "entitlement",
      e.id as string,
      e.name as string,
      (e.createdAt as Date).getTime(),
      { after: { name: e.name, maxSessionSeconds: e.maxSessionSeconds } },
    );
  for (const a of rowsOf("Agent"))
    adminEvent("agent.registered", "agent", a.id as string, a.name as string, (a.createdAt as Date).getTime(), {
      after: { name: a.name, kind: a.kind, authMethod: a.authMethod },
    });
  for (const a of rowsOf("Assignment"))
    adminEvent(
      "assignment.created",
      "assignment",
      a.id as string,
      `${a.principalType}:${(a.agentId ?? a.userId ?? a.groupId) as string}`,
      (a.createdAt as Date).getTime(),
      {
        after: {
          entitlementId: a.entitlementId,
          principalType: a.principalType,
          expiresAt: a.expiresAt,
          justification: a.justification,
        },
      },
    );

  // ── what each person may reach, per server (groups + direct grants)
  const entById = new Map(org.entitlements.map((e) => [e.id, e]));
  const live = org.assignments.filter((a) => !a.endedAt && (!a.expiresAt || a.expiresAt.getTime() > now));
  const scopesOf = (principalType: string, principalId: string) =>
    live
      .filter((a) => a.principalType === principalType && a.principalId === principalId)
      .map((a) => entById.get(a.entitlementId)!);
  const userScopes = (userId: string, serverId: string): Set<string> => {
    const ents = [
      ...scopesOf("user", userId),
      ...(org.memberships.get(userId) ?? []).flatMap((g) => scopesOf("group", g)),
    ];
    return new Set(ents.filter((e) => e.serverId === serverId).flatMap((e) => e.scopes));
  };

  const serverById = new Map(org.servers.map((s) => [s.id, s]));
  const templates: SessionTemplate[] = [];
  const activeUsers = org.userIds.filter((_, i) => i % 3 !== 2);
  for (const agent of org.agents) {
    for (const ent of scopesOf("agent", agent.id)) {
      const server = serverById.get(ent.serverId)!;
      const granted = org.tools.filter((t) => t.approved && ent.toolIds.includes(t.id));
      const used = granted.filter((t) => rnd.chance(t.risk === "read" ? 0.8 : t.risk === "write" ? 0.45 : 0.08));
      if (used.length === 0 && granted.length > 0) used.push(granted[0]!);
      const outside = org.tools.filter((t) => t.serverId === ent.serverId && !ent.scopes.includes(t.scope));
      const delegated = agent.kind === "delegated";
      const users = delegated
        ? rnd
            .sample(activeUsers, 60)
            .map((u) => ({ userId: u, scopes: ent.scopes.filter((s) => userScopes(u, ent.serverId).has(s)) }))
            .filter((u) => u.scopes.length > 0)
            .slice(0, 25)
        : [];
      if (delegated && users.length === 0) continue;
      templates.push({
        agentId: agent.id,
        clientId: agent.clientId,
        agentName: agent.name,
        serverId: server.id,
        serverName: server.name,
        audience: server.resourceUri,
        grantType: delegated ? "urn:ietf:params:oauth:grant-type:jwt-bearer" : "client_credentials",
        delegated,
        users,
        scopes: ent.scopes,
        entitlement: ent,
        used,
        outside,
      });
    }
  }
  const agentStatus = new Map(org.agents.map((a) => [a.id, a.status]));
  const oncall = org.rows.UserRole?.find((r) => r.role === "oncall")?.userId as string | undefined;

  const windowMs = plan.windowDays * DAY;
  const adminEvents = counts.events;
  const callsPerSession = Math.max(1, (plan.events - adminEvents) / plan.sessions - 2.6);
  const started = Date.now();
  const BATCH = 5000;

  for (let i = 0; i < plan.sessions; i++) {
    // Denser towards now: a busy live inventory, and a long tail of history.
    const x = Math.pow(1 - (i + rnd.next()) / plan.sessions, 2);
    const createdAt = Math.floor(now - windowMs * x);
    const tpl = rnd.pick(templates);
    const user = tpl.delegated ? rnd.pick(tpl.users) : null;
    const scopes = user ? user.scopes : tpl.scopes;
    const usable = tpl.used.filter((t) => scopes.includes(t.scope));
    const sid = rnd.idAt(createdAt);
    const maxSession = tpl.entitlement.maxSessionSeconds * 1000;
    const expiresAt = createdAt + maxSession;
    const authTime = user ? createdAt - rnd.int(1, 120) * MIN : null;
    const reauthDueAt =
      authTime && tpl.entitlement.reauthIntervalSeconds
        ? authTime + tpl.entitlement.reauthIntervalSeconds * 1000
        : null;
    const suspendedAgent = agentStatus.get(tpl.agentId) !== "active";
    const revoke = suspendedAgent || rnd.chance(0.015);
    const end = Math.min(expiresAt, now);
    const span = Math.max(MIN, end - createdAt);
    const revokedAt = revoke ? createdAt + Math.floor(span * (0.3 + 0.6 * rnd.next())) : null;
    const lastPossible = revokedAt ?? end;
    const sessionEnd = Math.min(lastPossible, now);

    // tokens
    const tokenCount = rnd.int(1, 3);
    const actor = {
      actorType: "agent" as const,
      actorId: tpl.agentId,
      actorLabel: tpl.agentName,
      onBehalfOfId: user?.userId ?? null,
      sessionId: sid,
    };
    for (let k = 0; k < tokenCount; k++) {
      const issuedAt = createdAt + Math.floor(((sessionEnd - createdAt) * k) / tokenCount);
      const kind = tpl.delegated && k === 0 ? "id_jag" : "access_token";
      const jti = rnd.hex(16);
      tokens.push({
        id: rnd.idAt(issuedAt),
        jti,
        kind,
        sessionId: sid,
        clientId: tpl.clientId,
        audience: kind === "id_jag" ? "mandate" : tpl.audience,
        scopes: scopes.join(" "),
        issuedAt: new Date(issuedAt),
        expiresAt: new Date(issuedAt + 5 * MIN),
        revokedAt: revokedAt && revokedAt < issuedAt + 5 * MIN ? new Date(revokedAt) : null,
      });
      counts.tokens++;
      emit("token.minted", {
        ...actor,
        at: issuedAt,
        targetType: "server",
        targetId: tpl.serverId,
        targetLabel: tpl.serverName,
        decision: "allow",
        reason: `Granted by entitlement "${tpl.entitlement.name}"`,
        detail: {
          grantType: kind === "id_jag" ? "urn:ietf:params:oauth:grant-type:token-exchange" : tpl.grantType,
          tokenType: kind,
          jti,
          scope: scopes.join(" "),
          expiresIn: 300,
        },
      });
    }

    // tool calls
    const calls = usable.length === 0 ? 0 : rnd.int(0, Math.round(callsPerSession * 2));
    let lastUsed = createdAt;
    let toolCalls = 0;
    for (let c = 0; c < calls; c++) {
      const at = createdAt + Math.floor(((sessionEnd - createdAt) * (c + rnd.next())) / Math.max(1, calls));
      if (rnd.chance(0.03) && tpl.outside.length > 0) {
        const t = rnd.pick(tpl.outside);
        emit("tool.call_refused", {
          ...actor,
          at,
          targetType: "tool",
          targetId: t.id,
          targetLabel: `${tpl.serverName} / ${t.name}`,
          decision: "deny",
          serverId: tpl.serverId,
          reason: `insufficient_scope: ${t.name} requires ${t.scope}`,
          detail: { server: tpl.serverId, tool: t.name, requiredScope: t.scope },
        });
        continue;
      }
      const t = rnd.pick(usable);
      const latencyMs = rnd.int(20, t.risk === "read" ? 400 : 1200);
      const upstreamStatus = rnd.chance(0.01) ? 502 : 200;
      emit("tool.called", {
        ...actor,
        at,
        targetType: "tool",
        targetId: t.id,
        targetLabel: `${tpl.serverName} / ${t.name}`,
        decision: "allow",
        serverId: tpl.serverId,
        reason: `Scope ${t.scope} granted`,
        detail: { server: tpl.serverId, tool: t.name, risk: t.risk, latencyMs, upstreamStatus },
      });
      lastUsed = Math.max(lastUsed, at);
      toolCalls++;
    }

    if (revokedAt) {
      emit("session.revoked", {
        at: revokedAt,
        actorType: suspendedAgent ? "system" : "user",
        actorId: suspendedAgent ? null : (oncall ?? null),
        actorLabel: suspendedAgent ? "mandate" : "oncall@acme.example",
        onBehalfOfId: user?.userId ?? null,
        targetType: "session",
        targetId: sid,
        targetLabel: `${tpl.agentName} → ${tpl.serverName}`,
        decision: "allow",
        sessionId: sid,
        agentId: tpl.agentId,
        personId: user?.userId ?? null,
        serverId: tpl.serverId,
        reason: suspendedAgent
          ? "Agent suspended"
          : rnd.pick([
              "Suspicious tool-call volume",
              "Incident INC-2041 containment",
              "Owner request",
              "Credential exposure suspected",
            ]),
      });
    }
    if (i % 250 === 0) {
      emit("token.refused", {
        at: createdAt - 1000,
        actorType: "agent",
        actorId: tpl.agentId,
        actorLabel: tpl.agentName,
        targetType: "server",
        targetId: tpl.serverId,
        targetLabel: tpl.serverName,
        decision: "deny",
        reason: rnd.pick([
          "invalid_scope: requested scope exceeds policy",
          "invalid_client: client assertion replayed",
          "invalid_grant: ID-JAG expired",
          "invalid_target: resource not allowed for this client",
        ]),
      });
    }

    const idleExpiresAt = lastUsed + 2 * HOUR;
    const status = revokedAt ? "revoked" : expiresAt <= now || idleExpiresAt <= now ? "expired" : "active";
    if (status === "active") counts.activeSessions++;
    const risk = usable.reduce<"read" | "write" | "destructive">(
      (m, t) => (RISK_ORDER[t.risk] > RISK_ORDER[m] ? t.risk : m),
      "read",
    );
    sessions.push({
      id: sid,
      agentId: tpl.agentId,
      userId: user?.userId ?? null,
      serverId: tpl.serverId,
      scopes: scopes.join(" "),
      grantType: tpl.grantType,
      authTime: authTime ? new Date(authTime) : null,
      createdAt: new Date(createdAt),
      lastUsedAt: new Date(lastUsed),
      expiresAt: new Date(expiresAt),
      idleExpiresAt: new Date(idleExpiresAt),
      reauthDueAt: reauthDueAt ? new Date(reauthDueAt) : null,
      status,
      risk,
      tokenCount,
      toolCallCount: toolCalls,
      revokedAt: revokedAt ? new Date(revokedAt) : null,
      revokedBy: revokedAt ? (suspendedAgent ? "system" : (oncall ?? null)) : null,
      revokedReason: revokedAt ? (suspendedAgent ? "Agent suspended" : "Revoked by on-call") : null,
    });
    counts.sessions++;

    if (sessions.length >= BATCH) {
      await flush();
      if (plan.sessions >= 50_000) {
        const secs = (Date.now() - started) / 1000;
        progress(
          `  sessions ${counts.sessions.toLocaleString("en")}/${plan.sessions.toLocaleString("en")} · audit events ${counts.events.toLocaleString("en")} · ${secs.toFixed(0)} s`,
        );
      }
    }
  }
  await flush();
  return counts;
}
