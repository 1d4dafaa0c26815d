import type { Db, Tx } from "@/lib/db/client";
import { liveAssignmentsForReview } from "@/lib/db/stores/reviews";
import { entitlementCatalog } from "@/lib/entitlements/entitlement-catalog";
import { highestRisk, RISK_RANK, type Risk } from "@/lib/entitlements/risk";
import type { CampaignScope } from "./campaign-schemas";
import type { ItemSnapshot } from "./item-snapshot";

/** An in-scope assignment, snapshotted, plus what reviewer routing needs. */
export interface ScopedAssignment {
  snapshot: ItemSnapshot;
  risk: Risk;
  /** The subject person's manager (user principals) or the agent owner's manager. */
  managerId: string | null;
}

/**
 * The live assignments a campaign's scope selects, each as a snapshot. An
 * assignment whose remaining tools grant nothing approved is left out (there
 * is nothing to review).
 */
export async function inScopeAssignments(
  db: Db | Tx,
  scope: CampaignScope,
  now: Date,
  onlyAssignmentIds: readonly string[] = [],
): Promise<ScopedAssignment[]> {
  const [rows, catalog, people, servers] = await Promise.all([
    liveAssignmentsForReview(
      db,
      {
        serverIds: scope.serverIds,
        agentIds: scope.agentIds,
        ownerIds: scope.ownerIds,
        entitlementIds: scope.entitlementIds,
        principalTypes: scope.principalTypes,
        assignmentIds: onlyAssignmentIds,
      },
      now,
    ),
    entitlementCatalog(db),
    db.user.findMany({ select: { id: true, displayName: true, email: true, managerId: true } }),
    db.mcpServer.findMany({ select: { id: true, name: true, ownerId: true } }),
  ]);
  const personById = new Map(people.map((p) => [p.id, p]));
  const serverById = new Map(servers.map((s) => [s.id, s]));
  const minRank = scope.minRisk ? RISK_RANK[scope.minRisk] : 0;
  const result: ScopedAssignment[] = [];
  for (const r of rows) {
    const entitlementId = r.entitlementId;
    const entitlement = catalog.entitlements.get(entitlementId);
    if (!entitlement) continue;
    const excluded = r.excludedToolIds;
    const tools = entitlement.tools
      .filter((t) => !excluded.has(t.toolId))
      .map((t) => ({ toolId: t.toolId, name: t.toolName, scope: t.scope, risk: t.risk }));
    const risk = highestRisk(tools);
    if (risk === null || RISK_RANK[risk] < minRank) continue;
    const principalType: ItemSnapshot["principalType"] = r.principalType;
    const agentOwnerId = r.agentOwnerId;
    const grantedById = r.grantedById;
    const serverId = r.serverId;
    const server = serverById.get(serverId);
    const owner = agentOwnerId ? personById.get(agentOwnerId) : undefined;
    const principalId = (principalType === "agent" ? r.agentId : principalType === "user" ? r.userId : r.groupId)!;
    const principalLabel =
      (principalType === "agent" ? r.agentName : principalType === "user" ? r.userName : r.groupName) ?? principalId;
    const principalDetail = principalType === "agent" ? r.clientId : principalType === "user" ? r.userEmail : null;
    result.push({
      risk,
      managerId:
        principalType === "user" ? r.userManagerId : principalType === "agent" ? (owner?.managerId ?? null) : null,
      snapshot: {
        assignmentId: r.id,
        principalType,
        principalId,
        principalLabel,
        principalDetail,
        agentKind: principalType === "agent" ? (r.agentKind as "autonomous" | "delegated") : null,
        agentOwnerId,
        agentOwnerLabel: owner?.email ?? null,
        entitlementId,
        entitlementName: entitlement.name,
        serverId,
        serverName: server?.name ?? serverId,
        serverOwnerId: server?.ownerId ?? null,
        tools,
        justification: r.justification,
        grantedById,
        grantedByLabel: grantedById ? (personById.get(grantedById)?.email ?? null) : null,
        grantedAt: (r.createdAt ?? now).toISOString(),
        expiresAt: r.expiresAt?.toISOString() ?? null,
      },
    });
  }
  return result;
}
