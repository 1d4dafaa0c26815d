import { providerOf, type Db, type Tx } from "@/lib/db/client";
import { jsonColumnValue, placeholders, rawDate, rawString } from "@/lib/db/raw-values";
import { readPoolOf } from "@/lib/db/read-pool";
import { entitlementCatalog, entitlementCatalogAt, type CatalogEntitlement, type CatalogServer, type EntitlementCatalog } from "./entitlement-catalog";

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
  /** The entitlement's longest session and re-authentication interval (what a mint through this path allows). */
  maxSessionSeconds: number;
  reauthIntervalSeconds: number | null;
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
  /** Every grant leading here. Tools reached through one grant share its array: read it, never modify it. */
  via: readonly GrantPath[];
}

export interface EffectiveAccess {
  /** Ordered by server name, then tool name (code points). */
  tools: ReachableTool[];
  /** resourceUri → scopes reachable on that server. */
  scopesByResource: Map<string, Set<string>>;
  /**
   * Every registered MCP server by resource URI, reachable or not, from the
   * catalogue version this access was computed at: a mint takes its target
   * server and its scopes from one snapshot, with no query of its own.
   */
  servers: ReadonlyMap<string, CatalogServer>;
}

/** One live assignment, with what its entitlement grants (from the catalogue, shared across calls). */
interface Grant {
  path: GrantPath;
  /** `[path]`, built once per assignment and shared by every tool reached only through it. */
  via: readonly GrantPath[];
  entitlement: CatalogEntitlement;
  /** Tools a "reduce" review decision removed from this grant. */
  excluded: ReadonlySet<string> | null;
}

// Live grants of the principals: not ended, not expired. What each entitlement grants comes from the
// entitlement catalogue (cached in memory outside transactions), so this reads one row per assignment rather
// than one per granted tool.
//
// Principals are given as conditions, one per index — (agentId, endedAt), (userId, endedAt), (groupId, endedAt)
// — and read as UNION ALL branches. As one OR (with the group subquery), PostgreSQL plans them as a filter over
// every live assignment; as branches, each seeks its own index. An assignment has exactly one principal, so
// branches never return the same row twice.
type Principals = readonly string[];

const LIVE = `a."endedAt" IS NULL AND (a."expiresAt" IS NULL OR a."expiresAt" > $1)`;

const ASSIGNMENTS_SQL = (principals: Principals) =>
  principals
    .map(
      (p) => `SELECT a."id" AS "assignmentId", a."entitlementId" AS "entitlementId", a."principalType" AS "principalType",
       COALESCE(a."agentId", a."userId", a."groupId") AS "principalId", a."expiresAt" AS "expiresAt", a."excludedToolIds" AS "excluded"
FROM "Assignment" a WHERE ${LIVE} AND ${p}`,
    )
    .join("\nUNION ALL\n");

/** SQLite returns the Json column as text, PostgreSQL already parsed. */
function excludedSet(v: unknown): ReadonlySet<string> | null {
  const ids = jsonColumnValue(v);
  if (ids === null) return null;
  if (!Array.isArray(ids)) throw new Error("Assignment.excludedToolIds must be an array of tool ids");
  return ids.length === 0 ? null : new Set(ids.map(rawString));
}

// The same, with the catalogue's version as a column of every row (and one row of nulls when no
// assignment matches): the version comes in the assignments' round trip and from their snapshot.
const VERSIONED_ASSIGNMENTS_SQL = (principals: Principals) => `
SELECT cv."generation" AS "catalogVersion", x."assignmentId", x."entitlementId", x."principalType", x."principalId", x."expiresAt", x."excluded"
FROM "CatalogVersion" cv
LEFT JOIN (${ASSIGNMENTS_SQL(principals)}) x ON 1 = 1
WHERE cv."id" = 1`;

async function grantsOf(db: Db | Tx, principals: Principals, now: Date, params: unknown[]): Promise<{ catalog: EntitlementCatalog; grants: Grant[] }> {
  // Outside a transaction, the driver's own read-only path (no ORM decoding), and the catalogue's version in the
  // same statement; inside one, the transaction's own view of both (a what-if preview changes the catalogue).
  const pool = readPoolOf(db);
  let catalog: EntitlementCatalog;
  let raw: Record<string, unknown>[];
  if (pool) {
    const [sql, values] = placeholders(providerOf(db), VERSIONED_ASSIGNMENTS_SQL(principals), [now, ...params]);
    raw = await pool.query(sql, values);
    if (raw.length > 0) catalog = await entitlementCatalogAt(db, pool, String(raw[0]!.catalogVersion));
    else {
      // No version row (a database not migrated this far): the plain query, and a catalogue that is never cached.
      [catalog, raw] = await Promise.all([entitlementCatalog(db), pool.query(...placeholders(providerOf(db), ASSIGNMENTS_SQL(principals), [now, ...params]))]);
    }
  } else {
    const [sql, values] = placeholders(providerOf(db), ASSIGNMENTS_SQL(principals), [now, ...params]);
    [catalog, raw] = [await entitlementCatalog(db), await db.$queryRawUnsafe<Record<string, unknown>[]>(sql, ...values)];
  }
  return { catalog, grants: grantsFromRows(catalog, raw) };
}

/** Grants from assignment rows (rows without an assignment — the version's row when nothing matched — are skipped). */
function grantsFromRows(catalog: EntitlementCatalog, raw: readonly Record<string, unknown>[]): Grant[] {
  const grants: Grant[] = [];
  for (const r of raw) {
    if (r.assignmentId === null || r.assignmentId === undefined) continue;
    const entitlement = catalog.entitlements.get(rawString(r.entitlementId));
    if (!entitlement) continue; // it grants no approved tool
    const path: GrantPath = {
      assignmentId: rawString(r.assignmentId),
      entitlementId: entitlement.id,
      entitlementName: entitlement.name,
      principalType: rawString(r.principalType) as GrantPath["principalType"],
      principalId: rawString(r.principalId),
      expiresAt: rawDate(r.expiresAt),
      maxSessionSeconds: entitlement.maxSessionSeconds,
      reauthIntervalSeconds: entitlement.reauthIntervalSeconds,
    };
    grants.push({ path, via: [path], entitlement, excluded: excludedSet(r.excluded) });
  }
  return grants;
}

/**
 * Scratch space for one catalogue: a generation stamp per catalogue tool marks
 * those already reached in the current pass, so a pass needs no Map and no
 * string comparisons to deduplicate and order thousands of tools. A pass runs
 * synchronously from start to end, so two passes never share it at once.
 */
interface Scratch {
  stamp: Uint32Array;
  found: (ReachableTool | undefined)[];
  order: Int32Array;
  generation: number;
}

const scratchOf = new WeakMap<EntitlementCatalog, Scratch>();

function scratchFor(catalog: EntitlementCatalog): Scratch {
  let s = scratchOf.get(catalog);
  if (!s) {
    const n = catalog.tools.length;
    scratchOf.set(catalog, (s = { stamp: new Uint32Array(n), found: new Array<ReachableTool | undefined>(n).fill(undefined), order: new Int32Array(n), generation: 0 }));
  }
  if (++s.generation === 0x1_0000_0000) {
    s.stamp.fill(0);
    s.generation = 1;
  }
  return s;
}

const later = (a: Date | null, b: Date | null) => (a === null || b === null ? null : a > b ? a : b);
const earlier = (a: Date | null, b: Date | null) => (a === null ? b : b === null ? a : a < b ? a : b);

function scopesOf(tools: readonly ReachableTool[]): Map<string, Set<string>> {
  const scopesByResource = new Map<string, Set<string>>();
  let uri: string | undefined, scopes: Set<string> | undefined;
  for (const t of tools) {
    // Tools arrive grouped by server: one map lookup per server, not per tool.
    if (t.resourceUri !== uri) {
      uri = t.resourceUri;
      scopes = scopesByResource.get(uri);
      if (!scopes) scopesByResource.set(uri, (scopes = new Set()));
    }
    scopes!.add(t.scope);
  }
  return scopesByResource;
}

/** Every tool the grants reach, once, in catalogue order, with each path leading to it. */
function reach(catalog: EntitlementCatalog, grants: readonly Grant[]): EffectiveAccess {
  const s = scratchFor(catalog);
  const { stamp, found, order, generation } = s;
  let count = 0;
  for (const g of grants) {
    const { path, via, excluded } = g;
    for (const t of g.entitlement.tools) {
      if (excluded !== null && excluded.has(t.toolId)) continue;
      const i = t.index;
      if (stamp[i] !== generation) {
        stamp[i] = generation;
        order[count++] = i;
        found[i] = {
          toolId: t.toolId, toolName: t.toolName, scope: t.scope, risk: t.risk, serverId: t.serverId, serverName: t.serverName,
          resourceUri: t.resourceUri, until: path.expiresAt, via,
        };
      } else {
        const r = found[i]!;
        // A one-element `via` is a grant's shared array: the second path gets an array of its own, later ones are appended to it.
        if (r.via.length === 1) r.via = [r.via[0]!, path];
        else (r.via as GrantPath[]).push(path);
        // Reachable for as long as the longest-lasting path.
        r.until = later(r.until, path.expiresAt);
      }
    }
  }
  // Catalogue indexes are display positions: a numeric sort of the typed array orders the tools.
  const positions = order.subarray(0, count).sort();
  const tools = new Array<ReachableTool>(count);
  for (let k = 0; k < count; k++) {
    const i = positions[k]!;
    tools[k] = found[i]!;
    found[i] = undefined; // the scratch must not keep results alive
  }
  return { tools, scopesByResource: scopesOf(tools), servers: catalog.servers };
}

const AGENT = (param: string): Principals => [`a."agentId" = ${param}`];

/** The people in `list` and the groups they belong to. */
const PEOPLE = (list: string): Principals => [
  `a."userId" IN (${list})`,
  `a."groupId" IN (SELECT gm."groupId" FROM "GroupMembership" gm WHERE gm."userId" IN (${list}))`,
];

// The client_credentials read: the client's row and its agent's own grants (see agentRowWithOwnAccess).
const CLIENT_WITH_OWN_ACCESS_SQL = (agentColumns: string) => `
SELECT ${agentColumns}, v."catalogVersion", v."assignmentId", v."entitlementId", v."principalType", v."principalId", v."expiresAt", v."excluded"
FROM "Agent" ag
JOIN (${VERSIONED_ASSIGNMENTS_SQL([`a."agentId" = (SELECT ag2."id" FROM "Agent" ag2 WHERE ag2."clientId" = $2)`])}) v ON 1 = 1
WHERE ag."clientId" = $2`;

/** The per-mint reads, as run (exported for the test that checks each branch seeks an index). */
export const ACCESS_READS = {
  agent: VERSIONED_ASSIGNMENTS_SQL(AGENT("$2")),
  person: VERSIONED_ASSIGNMENTS_SQL(PEOPLE("$2")),
  agentForPerson: VERSIONED_ASSIGNMENTS_SQL([...AGENT("$2"), ...PEOPLE("$3")]),
  /** $2 is a client_id here. */
  clientWithOwnAccess: CLIENT_WITH_OWN_ACCESS_SQL(`ag."id", ag."status"`),
} as const;

/** What an agent can reach on its own (autonomous, client_credentials). */
export async function effectiveAccessOfAgent(db: Db | Tx, agentId: string, now = new Date()): Promise<EffectiveAccess> {
  const { catalog, grants } = await grantsOf(db, AGENT("$2"), now, [agentId]);
  return reach(catalog, grants);
}

/**
 * A registered client's row (`agentColumns`, selected from "Agent" ag) and
 * what that agent reaches on its own, found by client_id in one statement:
 * the token endpoint's client_credentials read — the client it authenticates
 * and the grants it decides on, from one snapshot, in one round trip.
 * `undefined` when nothing came back — no agent has this client_id, or the
 * database has no catalogue version row — or it cannot be read this way
 * (inside a transaction): then read them one at a time, which tells those apart.
 */
export async function agentRowWithOwnAccess(
  db: Db,
  agentColumns: string,
  clientId: string,
  now = new Date(),
): Promise<{ row: Record<string, unknown>; access: EffectiveAccess } | undefined> {
  const pool = readPoolOf(db);
  if (!pool) return undefined;
  const raw = await pool.query(...placeholders(providerOf(db), CLIENT_WITH_OWN_ACCESS_SQL(agentColumns), [now, clientId]));
  if (raw.length === 0) return undefined;
  const catalog = await entitlementCatalogAt(db, pool, String(raw[0]!.catalogVersion));
  return { row: raw[0]!, access: reach(catalog, grantsFromRows(catalog, raw)) };
}

/** What a person can reach, directly or through their groups. */
export async function effectiveAccessOfUser(db: Db | Tx, userId: string, now = new Date()): Promise<EffectiveAccess> {
  const { catalog, grants } = await grantsOf(db, PEOPLE("$2"), now, [userId]);
  return reach(catalog, grants);
}

/**
 * An agent acting for a person reaches only what both reach: the
 * intersection, until the earlier of the two end dates, through both paths.
 */
export async function effectiveAccessOnBehalfOf(db: Db | Tx, agentId: string, userId: string, now = new Date()): Promise<EffectiveAccess> {
  // Both principals' grants in one statement: one round trip per mint rather than two, and one snapshot.
  const { catalog, grants } = await grantsOf(db, [...AGENT("$2"), ...PEOPLE("$3")], now, [agentId, userId]);
  const agent = reach(catalog, grants.filter((g) => g.path.principalType === "agent"));
  const user = reach(catalog, grants.filter((g) => g.path.principalType !== "agent"));
  return intersectAccess(agent, user);
}

/** The agent-for-user rule applied to access already computed (batch callers). */
export function intersectAccess(agent: EffectiveAccess, user: EffectiveAccess): EffectiveAccess {
  const userTools = new Map(user.tools.map((t) => [t.toolId, t]));
  const tools: ReachableTool[] = [];
  // The agent's list is already in display order, and so is what is kept of it.
  for (const a of agent.tools) {
    const u = userTools.get(a.toolId);
    if (!u) continue;
    tools.push({
      toolId: a.toolId, toolName: a.toolName, scope: a.scope, risk: a.risk, serverId: a.serverId, serverName: a.serverName,
      resourceUri: a.resourceUri, until: earlier(a.until, u.until), via: [...a.via, ...u.via],
    });
  }
  return { tools, scopesByResource: scopesOf(tools), servers: agent.servers };
}

/**
 * What each agent reaches on its own, for many agents in one query (scope
 * review, the overview's excess figure; `agentIds`: only those, as live-session
 * reconciliation asks): the same rules as `effectiveAccessOfAgent`, without one
 * round trip per agent. Agents without a live grant are absent from the map.
 */
export async function effectiveAccessOfAgents(db: Db | Tx, now = new Date(), agentIds?: readonly string[]): Promise<Map<string, EffectiveAccess>> {
  if (agentIds?.length === 0) return new Map();
  const principal = agentIds ? `a."agentId" IN (${agentIds.map((_, i) => `$${i + 2}`).join(", ")})` : `a."agentId" IS NOT NULL`;
  const { catalog, grants } = await grantsOf(db, [principal], now, agentIds ? [...agentIds] : []);
  const byAgent = new Map<string, Grant[]>();
  for (const g of grants) {
    let list = byAgent.get(g.path.principalId);
    if (!list) byAgent.set(g.path.principalId, (list = []));
    list.push(g);
  }
  const result = new Map<string, EffectiveAccess>();
  for (const [agentId, list] of byAgent) result.set(agentId, reach(catalog, list));
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
  const { catalog, grants } = await grantsOf(db, PEOPLE(list), now, [...userIds]);
  const memberships = await db.groupMembership.findMany({ where: { userId: { in: [...userIds] } }, select: { groupId: true, userId: true } });
  const membersOf = new Map<string, string[]>();
  for (const m of memberships) {
    let members = membersOf.get(m.groupId);
    if (!members) membersOf.set(m.groupId, (members = []));
    members.push(m.userId);
  }
  const byUser = new Map<string, Grant[]>(userIds.map((u) => [u, []]));
  for (const g of grants) {
    const holders = g.path.principalType === "group" ? (membersOf.get(g.path.principalId) ?? []) : [g.path.principalId];
    for (const u of holders) byUser.get(u)?.push(g);
  }
  for (const [userId, userGrants] of byUser) result.set(userId, reach(catalog, userGrants));
  return result;
}
