import type { Db, Tx } from "@/lib/db/client";
import {
  clientWithOwnAssignments,
  liveAssignments,
  readsCommittedState,
  type ClientRow,
  type LiveAssignment,
  type PrincipalSet,
} from "@/lib/db/stores/access";
import {
  entitlementCatalog,
  entitlementCatalogAt,
  type CatalogEntitlement,
  type CatalogServer,
  type EntitlementCatalog,
} from "./entitlement-catalog";

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

async function grantsOf(
  db: Db | Tx,
  principals: PrincipalSet,
  now: Date,
): Promise<{ catalog: EntitlementCatalog; grants: Grant[] }> {
  // Outside a transaction the catalogue's version comes with the assignments (one round trip, one snapshot);
  // inside one, the transaction's own view of both (a what-if preview changes the catalogue).
  const { version, assignments } = await liveAssignments(db, principals, now);
  const catalog =
    version !== null && readsCommittedState(db)
      ? await entitlementCatalogAt(db, version)
      : await entitlementCatalog(db);
  return { catalog, grants: grantsFrom(catalog, assignments) };
}

/** Grants from live assignments (those whose entitlement grants no approved tool are skipped). */
function grantsFrom(catalog: EntitlementCatalog, assignments: readonly LiveAssignment[]): Grant[] {
  const grants: Grant[] = [];
  for (const a of assignments) {
    const entitlement = catalog.entitlements.get(a.entitlementId);
    if (!entitlement) continue; // it grants no approved tool
    const path: GrantPath = {
      assignmentId: a.assignmentId,
      entitlementId: entitlement.id,
      entitlementName: entitlement.name,
      principalType: a.principalType,
      principalId: a.principalId,
      expiresAt: a.expiresAt,
      maxSessionSeconds: entitlement.maxSessionSeconds,
      reauthIntervalSeconds: entitlement.reauthIntervalSeconds,
    };
    grants.push({ path, via: [path], entitlement, excluded: a.excluded });
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
    scratchOf.set(
      catalog,
      (s = {
        stamp: new Uint32Array(n),
        found: new Array<ReachableTool | undefined>(n).fill(undefined),
        order: new Int32Array(n),
        generation: 0,
      }),
    );
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
      if (excluded?.has(t.toolId)) continue;
      const i = t.index;
      if (stamp[i] !== generation) {
        stamp[i] = generation;
        order[count++] = i;
        found[i] = {
          toolId: t.toolId,
          toolName: t.toolName,
          scope: t.scope,
          risk: t.risk,
          serverId: t.serverId,
          serverName: t.serverName,
          resourceUri: t.resourceUri,
          until: path.expiresAt,
          via,
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

/** What an agent can reach on its own (autonomous, client_credentials). */
export async function effectiveAccessOfAgent(db: Db | Tx, agentId: string, now = new Date()): Promise<EffectiveAccess> {
  const { catalog, grants } = await grantsOf(db, { agentId }, now);
  return reach(catalog, grants);
}

/**
 * A registered client and what its agent reaches on its own, found by
 * client_id in one statement: the token endpoint's client_credentials read —
 * the client it authenticates and the grants it decides on, from one
 * snapshot, in one round trip. `undefined` when nothing came back — no agent
 * has this client_id, or the database has no catalogue version row — or it
 * cannot be read this way (inside a transaction): then read them one at a
 * time, which tells those apart.
 */
export async function clientWithOwnAccess(
  db: Db,
  clientId: string,
  now = new Date(),
): Promise<{ client: ClientRow; access: EffectiveAccess } | undefined> {
  const both = await clientWithOwnAssignments(db, clientId, now);
  if (!both) return undefined;
  const catalog = await entitlementCatalogAt(db, both.version);
  return { client: both.client, access: reach(catalog, grantsFrom(catalog, both.assignments)) };
}

/** What a person can reach, directly or through their groups. */
export async function effectiveAccessOfUser(db: Db | Tx, userId: string, now = new Date()): Promise<EffectiveAccess> {
  const { catalog, grants } = await grantsOf(db, { userIds: [userId] }, now);
  return reach(catalog, grants);
}

/**
 * An agent acting for a person reaches only what both reach: the
 * intersection, until the earlier of the two end dates, through both paths.
 */
export async function effectiveAccessOnBehalfOf(
  db: Db | Tx,
  agentId: string,
  userId: string,
  now = new Date(),
): Promise<EffectiveAccess> {
  // Both principals' grants in one statement: one round trip per mint rather than two, and one snapshot.
  const { catalog, grants } = await grantsOf(db, { agentId, userId }, now);
  const agent = reach(
    catalog,
    grants.filter((g) => g.path.principalType === "agent"),
  );
  const user = reach(
    catalog,
    grants.filter((g) => g.path.principalType !== "agent"),
  );
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
      toolId: a.toolId,
      toolName: a.toolName,
      scope: a.scope,
      risk: a.risk,
      serverId: a.serverId,
      serverName: a.serverName,
      resourceUri: a.resourceUri,
      until: earlier(a.until, u.until),
      via: [...a.via, ...u.via],
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
export async function effectiveAccessOfAgents(
  db: Db | Tx,
  now = new Date(),
  agentIds?: readonly string[],
): Promise<Map<string, EffectiveAccess>> {
  if (agentIds?.length === 0) return new Map();
  const { catalog, grants } = await grantsOf(db, { agentIds: agentIds ?? null }, now);
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
export async function effectiveAccessOfUsers(
  db: Db | Tx,
  userIds: readonly string[],
  now = new Date(),
): Promise<Map<string, EffectiveAccess>> {
  const result = new Map<string, EffectiveAccess>();
  if (userIds.length === 0) return result;
  const { catalog, grants } = await grantsOf(db, { userIds }, now);
  const memberships = await db.groupMembership.findMany({
    where: { userId: { in: [...userIds] } },
    select: { groupId: true, userId: true },
  });
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
