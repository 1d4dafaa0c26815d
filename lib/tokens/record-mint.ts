import { recordAudit } from "@/lib/audit/record";
import { providerOf, type Db, type Tx } from "@/lib/db/client";
import { timeOrderedId } from "@/lib/ids/time-ordered-id";
import type { GrantDecision } from "./grant-policy";

export interface MintInput {
  agent: { id: string; clientId: string; name: string };
  user: { id: string; email: string } | null;
  decision: GrantDecision;
  grantType: string;
  kind: "access_token" | "id_jag";
  jti: string;
  audience: string;
  /** Lifetime the caller wants; capped here by the session's end. */
  lifetimeSeconds: number;
  authTime: Date | null;
  now: Date;
  clientAddress?: string | null;
  requestId?: string | null;
  /** Extra checks and writes that must commit with the mint (e.g. consuming an ID-JAG's jti). */
  within?: (tx: Tx) => Promise<void>;
}

export interface MintRecord {
  sessionId: string;
  expiresAt: Date;
}

/**
 * The durable half of a mint, in one transaction: the agent session (created,
 * or extended when one is live for the same agent, person and server), the
 * issued-token row and the `token.minted` audit event. The token is signed
 * after commit, so no token exists that the store does not know about.
 */
export async function recordMint(db: Db, m: MintInput): Promise<MintRecord> {
  const { decision, now } = m;
  return db.$transaction(async (tx) => {
    if (providerOf(tx) === "postgresql") {
      // The audit append takes this lock anyway; taking it first also makes
      // find-or-create of the session race-free across instances.
      await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(hashtext($1))", "audit:token");
    }
    if (m.within) await m.within(tx);
    const reauthDueAt = m.authTime && decision.reauthIntervalSeconds ? new Date(m.authTime.getTime() + decision.reauthIntervalSeconds * 1000) : null;
    const live = await tx.agentSession.findFirst({
      where: { agentId: m.agent.id, userId: m.user?.id ?? null, serverId: decision.server.id, status: "active", expiresAt: { gt: now } },
      orderBy: { createdAt: "desc" },
      select: { id: true, scopes: true, expiresAt: true, authTime: true },
    });
    let sessionId: string;
    let sessionEnd: Date;
    if (live) {
      sessionId = live.id;
      sessionEnd = live.expiresAt;
      const scopes = [...new Set([...live.scopes.split(" ").filter(Boolean), ...decision.scopes])].sort().join(" ");
      const fresher = m.authTime && (!live.authTime || m.authTime > live.authTime);
      await tx.agentSession.update({
        where: { id: live.id },
        data: { scopes, lastUsedAt: now, tokenCount: { increment: 1 }, risk: decision.risk, ...(fresher ? { authTime: m.authTime, reauthDueAt } : {}) },
      });
    } else {
      sessionId = timeOrderedId(now.getTime());
      const maxEnd = now.getTime() + decision.maxSessionSeconds * 1000;
      sessionEnd = new Date(decision.until ? Math.min(maxEnd, decision.until.getTime()) : maxEnd);
      await tx.agentSession.create({
        data: {
          id: sessionId, agentId: m.agent.id, userId: m.user?.id ?? null, serverId: decision.server.id, scopes: [...decision.scopes].sort().join(" "),
          grantType: m.grantType, authTime: m.authTime, createdAt: now, lastUsedAt: now, expiresAt: sessionEnd, reauthDueAt, status: "active",
          risk: decision.risk, tokenCount: 1,
        },
      });
    }
    const expiresAt = new Date(Math.min(now.getTime() + m.lifetimeSeconds * 1000, sessionEnd.getTime()));
    await tx.issuedToken.create({
      data: { id: timeOrderedId(now.getTime()), jti: m.jti, kind: m.kind, sessionId, clientId: m.agent.clientId, audience: m.audience, scopes: decision.scopes.join(" "), issuedAt: now, expiresAt },
    });
    await recordAudit(tx, {
      action: "token.minted", actorType: "agent", actorId: m.agent.id, actorLabel: m.agent.name, onBehalfOfId: m.user?.id ?? null,
      targetType: "mcp_server", targetId: decision.server.id, targetLabel: decision.server.name, decision: "allow", sessionId,
      clientAddress: m.clientAddress ?? null, requestId: m.requestId ?? null, occurredAt: now,
      detail: { grant_type: m.grantType, kind: m.kind, jti: m.jti, client_id: m.agent.clientId, audience: m.audience, scope: decision.scopes.join(" "), expires_at: expiresAt.toISOString() },
    });
    return { sessionId, expiresAt };
  });
}
