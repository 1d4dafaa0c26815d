import type { Tx } from "@/lib/db/client";
import type { AuditInput } from "@/lib/audit/record";
import { effectiveAccessOfAgent, effectiveAccessOnBehalfOf } from "@/lib/entitlements/effective-access";
import { revokeLiveSessionsIn } from "@/lib/sessions/revoke-live-sessions";
import type { ItemSnapshot } from "./item-snapshot";

type Actor = Pick<AuditInput, "actorType" | "actorId" | "actorLabel">;

/**
 * After an assignment was ended or narrowed (in this transaction): revokes
 * the live sessions of its holder on that server whose scopes are no longer
 * all reachable — recomputed from effective access, so a scope still granted
 * by another assignment keeps its session. Revoked through the one revocation
 * path (revokeLiveSessionsIn: tokens, audit, the revocation log other
 * instances read, CAEP events); the caller announces the ids on this
 * process's revocation bus after commit.
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
    select: { id: true, agentId: true, userId: true, scopes: true, server: { select: { resourceUri: true } } },
  });
  const losing: string[] = [];
  for (const s of sessions) {
    const access = s.userId ? await effectiveAccessOnBehalfOf(tx, s.agentId, s.userId, now) : await effectiveAccessOfAgent(tx, s.agentId, now);
    const reachable = access.scopesByResource.get(s.server.resourceUri) ?? new Set<string>();
    if (!s.scopes.split(" ").filter(Boolean).every((scope) => reachable.has(scope))) losing.push(s.id);
  }
  if (losing.length === 0) return [];
  const revoked = await revokeLiveSessionsIn(tx, actor, { id: { in: losing } }, { reason, now, operation: { kind: "access_removed", serverId: snap.serverId } });
  return revoked.map((s) => s.id);
}
