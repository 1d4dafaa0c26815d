import { providerOf, type Db, type Tx } from "@/lib/db/client";
import { placeholders, rawDate, rawNullableString, rawString } from "@/lib/db/raw-values";
import { readPoolOf } from "@/lib/db/read-pool";
import { entitlementCatalog } from "@/lib/entitlements/entitlement-catalog";
import { highestRisk, RISK_RANK, type Risk } from "@/lib/entitlements/risk";
import type { CampaignScope } from "./campaign-schemas";
import type { ItemSnapshot } from "./item-snapshot";
import { jsonColumnValue } from "@/lib/db/raw-values";

/** An in-scope assignment, snapshotted, plus what reviewer routing needs. */
export interface ScopedAssignment {
  snapshot: ItemSnapshot;
  risk: Risk;
  /** The subject person's manager (user principals) or the agent owner's manager. */
  managerId: string | null;
}

// One statement: a point-in-time read of every live assignment with the
// principal and entitlement columns the snapshot needs (50k rows in one go).
const SQL = (filters: string) => `
SELECT a."id" AS "id", a."entitlementId" AS "entitlementId", a."principalType" AS "principalType",
       a."agentId" AS "agentId", a."userId" AS "userId", a."groupId" AS "groupId", a."excludedToolIds" AS "excluded",
       a."justification" AS "justification", a."grantedById" AS "grantedById", a."createdAt" AS "createdAt", a."expiresAt" AS "expiresAt",
       e."name" AS "entitlementName", e."serverId" AS "serverId",
       ag."name" AS "agentName", ag."clientId" AS "clientId", ag."kind" AS "agentKind", ag."ownerId" AS "agentOwnerId",
       u."displayName" AS "userName", u."email" AS "userEmail", u."managerId" AS "userManagerId",
       g."displayName" AS "groupName"
FROM "Assignment" a
JOIN "Entitlement" e ON e."id" = a."entitlementId"
LEFT JOIN "Agent" ag ON ag."id" = a."agentId"
LEFT JOIN "User" u ON u."id" = a."userId"
LEFT JOIN "Group" g ON g."id" = a."groupId"
WHERE a."endedAt" IS NULL AND (a."expiresAt" IS NULL OR a."expiresAt" > $1)${filters}`;

function parseExcluded(v: unknown): Set<string> {
  const list = jsonColumnValue(v);
  return new Set(Array.isArray(list) ? list.filter((x): x is string => typeof x === "string") : []);
}

/**
 * The live assignments a campaign's scope selects, each as a snapshot. An
 * assignment whose remaining tools grant nothing approved is left out (there
 * is nothing to review).
 */
export async function inScopeAssignments(db: Db | Tx, scope: CampaignScope, now: Date, onlyAssignmentIds: readonly string[] = []): Promise<ScopedAssignment[]> {
  const params: unknown[] = [now];
  let filters = "";
  const inList = (column: string, values: readonly string[]) => {
    if (values.length === 0) return;
    const first = params.length + 1;
    params.push(...values);
    filters += ` AND ${column} IN (${values.map((_, i) => `$${first + i}`).join(", ")})`;
  };
  inList(`e."serverId"`, scope.serverIds);
  inList(`a."agentId"`, scope.agentIds);
  inList(`ag."ownerId"`, scope.ownerIds);
  inList(`a."entitlementId"`, scope.entitlementIds);
  inList(`a."principalType"`, scope.principalTypes);
  inList(`a."id"`, onlyAssignmentIds);
  const [sql, values] = placeholders(providerOf(db), SQL(filters), params);
  const pool = readPoolOf(db);
  const [rows, catalog, people, servers] = await Promise.all([
    pool ? pool.query(sql, values) : db.$queryRawUnsafe<Record<string, unknown>[]>(sql, ...values),
    entitlementCatalog(db),
    db.user.findMany({ select: { id: true, displayName: true, email: true, managerId: true } }),
    db.mcpServer.findMany({ select: { id: true, name: true, ownerId: true } }),
  ]);
  const personById = new Map(people.map((p) => [p.id, p]));
  const serverById = new Map(servers.map((s) => [s.id, s]));
  const minRank = scope.minRisk ? RISK_RANK[scope.minRisk] : 0;
  const result: ScopedAssignment[] = [];
  for (const r of rows) {
    const entitlementId = rawString(r.entitlementId);
    const entitlement = catalog.entitlements.get(entitlementId);
    if (!entitlement) continue;
    const excluded = parseExcluded(r.excluded);
    const tools = entitlement.tools.filter((t) => !excluded.has(t.toolId)).map((t) => ({ toolId: t.toolId, name: t.toolName, scope: t.scope, risk: t.risk }));
    const risk = highestRisk(tools);
    if (risk === null || RISK_RANK[risk] < minRank) continue;
    const principalType = rawString(r.principalType) as ItemSnapshot["principalType"];
    const agentOwnerId = rawNullableString(r.agentOwnerId);
    const grantedById = rawNullableString(r.grantedById);
    const serverId = rawString(r.serverId);
    const server = serverById.get(serverId);
    const owner = agentOwnerId ? personById.get(agentOwnerId) : undefined;
    const principalId = rawString(principalType === "agent" ? r.agentId : principalType === "user" ? r.userId : r.groupId);
    const principalLabel = rawNullableString(principalType === "agent" ? r.agentName : principalType === "user" ? r.userName : r.groupName) ?? principalId;
    const principalDetail = rawNullableString(principalType === "agent" ? r.clientId : principalType === "user" ? r.userEmail : null);
    result.push({
      risk,
      managerId: principalType === "user" ? rawNullableString(r.userManagerId) : principalType === "agent" ? (owner?.managerId ?? null) : null,
      snapshot: {
        assignmentId: rawString(r.id),
        principalType,
        principalId,
        principalLabel,
        principalDetail,
        agentKind: principalType === "agent" ? (rawString(r.agentKind) as "autonomous" | "delegated") : null,
        agentOwnerId,
        agentOwnerLabel: owner?.email ?? null,
        entitlementId,
        entitlementName: entitlement.name,
        serverId,
        serverName: server?.name ?? serverId,
        serverOwnerId: server?.ownerId ?? null,
        tools,
        justification: rawString(r.justification),
        grantedById,
        grantedByLabel: grantedById ? (personById.get(grantedById)?.email ?? null) : null,
        grantedAt: (rawDate(r.createdAt) ?? now).toISOString(),
        expiresAt: rawDate(r.expiresAt)?.toISOString() ?? null,
      },
    });
  }
  return result;
}
