import { providerOf, type Db, type Tx } from "@/lib/db/client";
import { placeholders, rawDate, rawNullableString, rawString } from "@/lib/db/raw-values";
import { readPoolOf } from "@/lib/db/read-pool";
import { entitlementCatalog } from "./entitlement-catalog";

import type { Risk } from "./risk";

export { highestRisk, RISK_RANK, type Risk } from "./risk";

/** One way a tool is reached: an assignment of an entitlement to a principal. */
export interface GrantPath {
  assignmentId: string;
  entitlementId: string;
  entitlementName: string;
  principalType: "agent" | "user" | "group";
  principalId: string;
  expiresAt: Date | null;
}

export interface ReachableTool {
  toolId: string;
  toolName: string;
  scope: string;
  risk: Risk;
  serverId: string;
  serverName: string;
  resourceUri: string;
  /** Reachable until then (null: no end date). */
  until: Date | null;
  via: GrantPath[];
}

export interface EffectiveAccess {
  tools: ReachableTool[];
  /** resourceUri → scopes reachable on that server. */
  scopesByResource: Map<string, Set<string>>;
}

interface Row {
  assignmentId: string;
  entitlementId: string;
  entitlementName: string;
  principalType: "agent" | "user" | "group";
  principalId: string;
  expiresAt: Date | null;
  excluded: string | null;
  toolId: string;
  toolName: string;
  scope: string;
  risk: Risk;
  serverId: string;
  serverName: string;
  resourceUri: string;
}

// Live grants of the principal: not ended, not expired. Indexed by
// (agentId|userId|groupId, endedAt). What each entitlement grants comes from
// the entitlement catalogue (cached in memory outside transactions), so this
// reads one row per assignment rather than one per granted tool.
const ASSIGNMENTS_SQL = (principalClause: string) => `
SELECT a."id" AS "assignmentId", a."entitlementId" AS "entitlementId", a."principalType" AS "principalType",
       COALESCE(a."agentId", a."userId", a."groupId") AS "principalId",
       a."expiresAt" AS "expiresAt", a."excludedToolIds" AS "excluded"
FROM "Assignment" a
WHERE a."endedAt" IS NULL AND (a."expiresAt" IS NULL OR a."expiresAt" > $1) AND ${principalClause}`;

async function grantRows(db: Db | Tx, clause: string, now: Date, params: unknown[]): Promise<Row[]> {
  const catalog = await entitlementCatalog(db);
  const [sql, values] = placeholders(providerOf(db), ASSIGNMENTS_SQL(clause), [now, ...params]);
  // Outside a transaction, the driver's own read-only path (no ORM decoding).
  const pool = readPoolOf(db);
  const raw = pool ? await pool.query(sql, values) : await db.$queryRawUnsafe<Record<string, unknown>[]>(sql, ...values);
  const rows: Row[] = [];
  for (const r of raw) {
    const entitlement = catalog.get(rawString(r.entitlementId));
    if (!entitlement) continue; // it grants no approved tool
    const excludedText = rawNullableString(typeof r.excluded === "object" && r.excluded !== null ? JSON.stringify(r.excluded) : r.excluded);
    // A "reduce" review decision or scope review removes some tools from one grant.
    const excluded = excludedText ? new Set(JSON.parse(excludedText) as string[]) : null;
    const assignmentId = rawString(r.assignmentId);
    const principalType = rawString(r.principalType) as Row["principalType"];
    const principalId = rawString(r.principalId);
    const expiresAt = rawDate(r.expiresAt);
    for (const t of entitlement.tools) {
      if (excluded?.has(t.toolId)) continue;
      // A literal of one fixed shape: object spread here made every row a slow dictionary object.
      rows.push({
        assignmentId, entitlementId: entitlement.id, entitlementName: entitlement.name, principalType, principalId, expiresAt,
        excluded: excludedText, toolId: t.toolId, toolName: t.toolName, scope: t.scope, risk: t.risk, serverId: t.serverId,
        serverName: t.serverName, resourceUri: t.resourceUri,
      });
    }
  }
  return rows;
}

function collect(rows: Row[]): Map<string, ReachableTool> {
  const byTool = new Map<string, ReachableTool>();
  for (const r of rows) {
    const path: GrantPath = {
      assignmentId: r.assignmentId, entitlementId: r.entitlementId, entitlementName: r.entitlementName,
      principalType: r.principalType, principalId: r.principalId, expiresAt: r.expiresAt,
    };
    const existing = byTool.get(r.toolId);
    if (existing) {
      existing.via.push(path);
      // Reachable for as long as the longest-lasting path.
      existing.until = existing.until === null || r.expiresAt === null ? null : r.expiresAt > existing.until ? r.expiresAt : existing.until;
    } else {
      byTool.set(r.toolId, {
        toolId: r.toolId, toolName: r.toolName, scope: r.scope, risk: r.risk, serverId: r.serverId, serverName: r.serverName,
        resourceUri: r.resourceUri, until: r.expiresAt, via: [path],
      });
    }
  }
  return byTool;
}

function finish(byTool: Map<string, ReachableTool>): EffectiveAccess {
  // Code-point order: stable across machines, and several times cheaper than localeCompare at thousands of tools.
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  const tools = [...byTool.values()].sort((a, b) => cmp(a.serverName, b.serverName) || cmp(a.toolName, b.toolName));
  const scopesByResource = new Map<string, Set<string>>();
  for (const t of tools) {
    let set = scopesByResource.get(t.resourceUri);
    if (!set) scopesByResource.set(t.resourceUri, (set = new Set()));
    set.add(t.scope);
  }
  return { tools, scopesByResource };
}

async function agentTools(db: Db | Tx, agentId: string, now: Date): Promise<Map<string, ReachableTool>> {
  return collect(await grantRows(db, `a."agentId" = $2`, now, [agentId]));
}

async function userTools(db: Db | Tx, userId: string, now: Date): Promise<Map<string, ReachableTool>> {
  return collect(
    await grantRows(db, `(a."userId" = $2 OR a."groupId" IN (SELECT gm."groupId" FROM "GroupMembership" gm WHERE gm."userId" = $2))`, now, [userId]),
  );
}

/** What an agent can reach on its own (autonomous, client_credentials). */
export async function effectiveAccessOfAgent(db: Db | Tx, agentId: string, now = new Date()): Promise<EffectiveAccess> {
  return finish(await agentTools(db, agentId, now));
}

/** What a person can reach, directly or through their groups. */
export async function effectiveAccessOfUser(db: Db | Tx, userId: string, now = new Date()): Promise<EffectiveAccess> {
  return finish(await userTools(db, userId, now));
}

/**
 * An agent acting for a person reaches only what both reach: the
 * intersection, until the earlier of the two end dates, through both paths.
 */
export async function effectiveAccessOnBehalfOf(db: Db | Tx, agentId: string, userId: string, now = new Date()): Promise<EffectiveAccess> {
  const [agent, user] = await Promise.all([agentTools(db, agentId, now), userTools(db, userId, now)]);
  return finish(intersect(agent, user));
}

/** The agent-for-user rule applied to access already computed (batch callers). */
export function intersectAccess(agent: EffectiveAccess, user: EffectiveAccess): EffectiveAccess {
  return finish(intersect(new Map(agent.tools.map((t) => [t.toolId, t])), new Map(user.tools.map((t) => [t.toolId, t]))));
}

function intersect(agent: Map<string, ReachableTool>, user: Map<string, ReachableTool>): Map<string, ReachableTool> {
  const both = new Map<string, ReachableTool>();
  for (const [toolId, a] of agent) {
    const u = user.get(toolId);
    if (!u) continue;
    const until = a.until === null ? u.until : u.until === null ? a.until : a.until < u.until ? a.until : u.until;
    both.set(toolId, { ...a, until, via: [...a.via, ...u.via] });
  }
  return both;
}

/**
 * What each agent reaches on its own, for many agents in one query (scope
 * review, the overview's excess figure): the same rules as
 * `effectiveAccessOfAgent`, without one round trip per agent.
 */
export async function effectiveAccessOfAgents(db: Db | Tx, now = new Date()): Promise<Map<string, EffectiveAccess>> {
  const byAgent = new Map<string, Row[]>();
  for (const r of await grantRows(db, `a."agentId" IS NOT NULL`, now, [])) {
    let rows = byAgent.get(r.principalId);
    if (!rows) byAgent.set(r.principalId, (rows = []));
    rows.push(r);
  }
  const result = new Map<string, EffectiveAccess>();
  for (const [agentId, rows] of byAgent) result.set(agentId, finish(collect(rows)));
  return result;
}

/**
 * What each of many people reaches (a group's members, say), in one query
 * plus one membership lookup instead of one query per person.
 */
export async function effectiveAccessOfUsers(db: Db | Tx, userIds: readonly string[], now = new Date()): Promise<Map<string, EffectiveAccess>> {
  const result = new Map<string, EffectiveAccess>();
  if (userIds.length === 0) return result;
  const list = userIds.map((_, i) => `$${i + 2}`).join(", ");
  const rows = await grantRows(db, `(a."userId" IN (${list}) OR a."groupId" IN (SELECT gm."groupId" FROM "GroupMembership" gm WHERE gm."userId" IN (${list})))`, now, [...userIds]);
  const memberships = await db.groupMembership.findMany({ where: { userId: { in: [...userIds] } }, select: { groupId: true, userId: true } });
  const membersOf = new Map<string, string[]>();
  for (const m of memberships) membersOf.set(m.groupId, [...(membersOf.get(m.groupId) ?? []), m.userId]);
  const byUser = new Map<string, Row[]>(userIds.map((u) => [u, []]));
  for (const r of rows) {
    const holders = r.principalType === "group" ? (membersOf.get(r.principalId) ?? []) : [r.principalId];
    for (const u of holders) byUser.get(u)?.push(r);
  }
  for (const [userId, userRows] of byUser) result.set(userId, finish(collect(userRows)));
  return result;
}
