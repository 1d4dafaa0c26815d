import type { Tx } from "@/lib/db/client";
import { recordAudit, type AuditInput } from "@/lib/audit/record";
import { effectiveAccessOfAgent, effectiveAccessOnBehalfOf } from "@/lib/entitlements/effective-access";
import type { ItemSnapshot } from "./item-snapshot";

type Actor = Pick<AuditInput, "actorType" | "actorId" | "actorLabel">;

/**
 * After an assignment was ended or narrowed (in this transaction): revokes
 * the live sessions of its holder on that server whose scopes are no longer
 * all reachable — recomputed from effective access, so a scope still granted
 * by another assignment keeps its session. Revoked as `revokeSessions` does
 * (session, its tokens, one audit event each); the caller announces the ids
 * on the revocation bus after commit.
 */
export async function revokeSessionsLosingAccess(tx: Tx, actor: Actor, snap: ItemSnapshot, reason: string, now: Date): Promise<string[]> {
  const holder =
    snap.principalType === "agent"
      ? { agentId: snap.principalId }
      : snap.principalType === "user"
        ? { userId: snap.principalId }
        : { userId: { in: (await tx.groupMembership.findMany({ where: { groupId: snap.principalId }, select: { userId: true } })).map((m) => m.userId) } };
  const sessions = await tx.agentSession.findMany({
    where: { ...holder, serverId: snap.serverId, status: "active", expiresAt: { gt: now } },
    select: { id: true, agentId: true, userId: true, scopes: true, agent: { select: { name: true } }, server: { select: { name: true, resourceUri: true } } },
  });
  const revoked: string[] = [];
  for (const s of sessions) {
    const access = s.userId ? await effectiveAccessOnBehalfOf(tx, s.agentId, s.userId, now) : await effectiveAccessOfAgent(tx, s.agentId, now);
    const reachable = access.scopesByResource.get(s.server.resourceUri) ?? new Set<string>();
    if (s.scopes.split(" ").filter(Boolean).every((scope) => reachable.has(scope))) continue;
    await tx.agentSession.updateMany({
      where: { id: s.id, status: "active" },
      data: { status: "revoked", revokedAt: now, revokedBy: actor.actorId ?? actor.actorLabel ?? "system", revokedReason: reason },
    });
    await tx.issuedToken.updateMany({ where: { sessionId: s.id, revokedAt: null }, data: { revokedAt: now } });
    await recordAudit(tx, {
      action: "session.revoked", ...actor, onBehalfOfId: s.userId, targetType: "session", targetId: s.id,
      targetLabel: `${s.agent.name} → ${s.server.name}`, decision: "allow", reason, sessionId: s.id,
      detail: { before: { status: "active" }, after: { status: "revoked" } }, occurredAt: now,
    });
    revoked.push(s.id);
  }
  return revoked;
}
