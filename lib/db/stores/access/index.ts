import { providerOf, type Db, type Tx } from "@/lib/db/client";
import {
  jsonColumnValue,
  placeholders,
  rawDate,
  rawInt,
  rawNullableInt,
  rawNullableString,
  rawString,
} from "@/lib/db/raw-values";
import { readPoolOf } from "@/lib/db/read-pool";
import type { ToolRisk } from "@/lib/db/generated/sqlite/enums";

/**
 * The access reads: live assignments of principals, the entitlement
 * catalogue and its version, and the token endpoint's client row with its
 * agent's own grants. Written once with $n placeholders for both stores;
 * outside a transaction through the driver's read-only path (read-pool.ts,
 * no ORM decoding: these run on every mint), inside one through the
 * transaction's own client, which must see its own writes (a what-if preview
 * changes the catalogue). Rows come back typed; no SQL leaves this module.
 */

type Principals = readonly string[];

/** Whose grants to read. */
export type PrincipalSet =
  | { agentId: string }
  /** People, directly and through the groups they belong to. */
  | { userIds: readonly string[] }
  /** An agent's grants and the person's it acts for, in one statement. */
  | { agentId: string; userId: string }
  /** Every agent's own grants (null), or these agents'. */
  | { agentIds: readonly string[] | null };

/** One live assignment (not ended, not expired). */
export interface LiveAssignment {
  assignmentId: string;
  entitlementId: string;
  principalType: "agent" | "user" | "group";
  principalId: string;
  expiresAt: Date | null;
  /** Tools a "reduce" review decision removed from this grant (null: none). */
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
const LIVE = `a."endedAt" IS NULL AND (a."expiresAt" IS NULL OR a."expiresAt" > $1)`;

const ASSIGNMENTS_SQL = (principals: Principals) =>
  principals
    .map(
      (
        p,
      ) => `SELECT a."id" AS "assignmentId", a."entitlementId" AS "entitlementId", a."principalType" AS "principalType",
       COALESCE(a."agentId", a."userId", a."groupId") AS "principalId", a."expiresAt" AS "expiresAt", a."excludedToolIds" AS "excluded"
FROM "Assignment" a WHERE ${LIVE} AND ${p}`,
    )
    .join("\nUNION ALL\n");

// The same, with the catalogue's version as a column of every row (and one row of nulls when no
// assignment matches): the version comes in the assignments' round trip and from their snapshot.
const VERSIONED_ASSIGNMENTS_SQL = (principals: Principals) => `
SELECT cv."generation" AS "catalogVersion", x."assignmentId", x."entitlementId", x."principalType", x."principalId", x."expiresAt", x."excluded"
FROM "CatalogVersion" cv
LEFT JOIN (${ASSIGNMENTS_SQL(principals)}) x ON 1 = 1
WHERE cv."id" = 1`;

const AGENT = (param: string): Principals => [`a."agentId" = ${param}`];

/** The people in `list` and the groups they belong to. */
const PEOPLE = (list: string): Principals => [
  `a."userId" IN (${list})`,
  `a."groupId" IN (SELECT gm."groupId" FROM "GroupMembership" gm WHERE gm."userId" IN (${list}))`,
];

const parameterList = (n: number, from: number) => Array.from({ length: n }, (_, i) => `$${i + from}`).join(", ");

/** The conditions and parameters (after `now`, which is $1) of a set of principals. */
function principalsOf(set: PrincipalSet): { principals: Principals; params: unknown[] } {
  if ("userId" in set) return { principals: [...AGENT("$2"), ...PEOPLE("$3")], params: [set.agentId, set.userId] };
  if ("agentId" in set) return { principals: AGENT("$2"), params: [set.agentId] };
  if ("userIds" in set) return { principals: PEOPLE(parameterList(set.userIds.length, 2)), params: [...set.userIds] };
  const ids = set.agentIds;
  return ids
    ? { principals: [`a."agentId" IN (${parameterList(ids.length, 2)})`], params: [...ids] }
    : { principals: [`a."agentId" IS NOT NULL`], params: [] };
}

// The client_credentials read: the client's row and its agent's own grants.
const CLIENT_COLUMNS = [
  "id",
  "clientId",
  "name",
  "kind",
  "status",
  "authMethod",
  "jwksUri",
  "jwks",
  "clientSecretHash",
  "allowedGrantTypes",
  "maxTokenLifetimeSeconds",
];
const columnsOf = (alias: string) => CLIENT_COLUMNS.map((c) => `${alias}"${c}"`).join(", ");
const CLIENT_SQL = `SELECT ${columnsOf("")} FROM "Agent" WHERE "clientId" = $1`;
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

/** SQLite returns the Json column as text, PostgreSQL already parsed. */
function excludedSet(v: unknown): ReadonlySet<string> | null {
  const ids = jsonColumnValue(v);
  if (ids === null) return null;
  if (!Array.isArray(ids)) throw new Error("Assignment.excludedToolIds must be an array of tool ids");
  return ids.length === 0 ? null : new Set(ids.map(rawString));
}

/** Assignments from rows (rows without an assignment — the version's row when nothing matched — are skipped). */
function assignmentsOf(raw: readonly Record<string, unknown>[]): LiveAssignment[] {
  const out: LiveAssignment[] = [];
  for (const r of raw) {
    if (r.assignmentId === null || r.assignmentId === undefined) continue;
    out.push({
      assignmentId: rawString(r.assignmentId),
      entitlementId: rawString(r.entitlementId),
      principalType: rawString(r.principalType) as LiveAssignment["principalType"],
      principalId: rawString(r.principalId),
      expiresAt: rawDate(r.expiresAt),
      excluded: excludedSet(r.excluded),
    });
  }
  return out;
}

/**
 * The live assignments of `set` at `now`, and — read in the same statement
 * and snapshot, outside a transaction — the catalogue's version. `version`
 * is null inside a transaction, or when the database has no version row
 * (one not migrated this far): then the catalogue must be read uncached.
 */
export async function liveAssignments(
  db: Db | Tx,
  set: PrincipalSet,
  now: Date,
): Promise<{ version: string | null; assignments: LiveAssignment[] }> {
  const { principals, params } = principalsOf(set);
  const pool = readPoolOf(db);
  if (pool) {
    const raw = await pool.query(
      ...placeholders(providerOf(db), VERSIONED_ASSIGNMENTS_SQL(principals), [now, ...params]),
    );
    if (raw.length > 0) return { version: String(raw[0]!.catalogVersion), assignments: assignmentsOf(raw) };
    return {
      version: null,
      assignments: assignmentsOf(
        await pool.query(...placeholders(providerOf(db), ASSIGNMENTS_SQL(principals), [now, ...params])),
      ),
    };
  }
  const [sql, values] = placeholders(providerOf(db), ASSIGNMENTS_SQL(principals), [now, ...params]);
  return {
    version: null,
    assignments: assignmentsOf(await db.$queryRawUnsafe<Record<string, unknown>[]>(sql, ...values)),
  };
}

/** A registered client (an agent) as the token endpoint authenticates it. */
export interface ClientRow {
  id: string;
  clientId: string;
  name: string;
  kind: "autonomous" | "delegated" | "interactive";
  status: "pending" | "active" | "suspended" | "retired";
  authMethod: "private_key_jwt" | "client_secret_basic" | "client_secret_post" | "none";
  jwksUri: string | null;
  /** As stored: JSON text on SQLite, the parsed value on PostgreSQL. */
  jwks: unknown;
  clientSecretHash: string | null;
  allowedGrantTypes: string;
  maxTokenLifetimeSeconds: number;
}

function clientRowOf(r: Record<string, unknown>): ClientRow {
  return {
    id: rawString(r.id),
    clientId: rawString(r.clientId),
    name: rawString(r.name),
    kind: rawString(r.kind) as ClientRow["kind"],
    status: rawString(r.status) as ClientRow["status"],
    authMethod: rawString(r.authMethod) as ClientRow["authMethod"],
    jwksUri: rawNullableString(r.jwksUri),
    jwks: r.jwks ?? null,
    clientSecretHash: rawNullableString(r.clientSecretHash),
    allowedGrantTypes: rawString(r.allowedGrantTypes),
    maxTokenLifetimeSeconds: rawInt(r.maxTokenLifetimeSeconds),
  };
}

/** A registered client by client_id, read fresh (a suspension counts from the next request); null when there is none. */
export async function clientRow(db: Db, clientId: string): Promise<ClientRow | null> {
  const [text, values] = placeholders(providerOf(db), CLIENT_SQL, [clientId]);
  const pool = readPoolOf(db);
  const [r] = pool
    ? await pool.query(text, values)
    : await db.$queryRawUnsafe<Record<string, unknown>[]>(text, ...values);
  return r ? clientRowOf(r) : null;
}

const CLIENT_WITH_OWN_ACCESS = CLIENT_WITH_OWN_ACCESS_SQL(columnsOf("ag."));

/**
 * A registered client's row and its agent's own live assignments, with the
 * catalogue's version, found by client_id in one statement: the
 * client_credentials read. `undefined` when nothing came back — no agent has
 * this client_id, or the database has no catalogue version row — or it
 * cannot be read this way (inside a transaction): then read them one at a
 * time, which tells those apart.
 */
export async function clientWithOwnAssignments(
  db: Db,
  clientId: string,
  now: Date,
): Promise<{ client: ClientRow; version: string; assignments: LiveAssignment[] } | undefined> {
  const pool = readPoolOf(db);
  if (!pool) return undefined;
  const raw = await pool.query(...placeholders(providerOf(db), CLIENT_WITH_OWN_ACCESS, [now, clientId]));
  if (raw.length === 0) return undefined;
  return { client: clientRowOf(raw[0]!), version: String(raw[0]!.catalogVersion), assignments: assignmentsOf(raw) };
}

// What every entitlement grants: changes rarely, read on every mint and every
// effective-access computation. Cached in memory (lib/entitlements/entitlement-catalog.ts) and re-read when
// its version moves: CatalogVersion's one row, which database triggers bump on every change to the four
// tables — by this instance, another one, or any SQL at all.
const CATALOG_SQL = `
SELECT e."id" AS "entitlementId", e."name" AS "entitlementName", e."maxSessionSeconds" AS "maxSessionSeconds", e."reauthIntervalSeconds" AS "reauthIntervalSeconds",
       t."id" AS "toolId", t."name" AS "toolName", t."scope" AS "scope", t."risk" AS "risk",
       s."id" AS "serverId", s."name" AS "serverName", s."resourceUri" AS "resourceUri"
FROM "Entitlement" e
JOIN "EntitlementTool" et ON et."entitlementId" = e."id"
JOIN "Tool" t ON t."id" = et."toolId" AND t."status" = 'approved'
JOIN "McpServer" s ON s."id" = t."serverId"`;

const SERVERS_SQL = `SELECT "id", "name", "resourceUri", "enforcementMode", "authorizationServerIssuer" FROM "McpServer"`;

const VERSION_SQL = `SELECT "generation" FROM "CatalogVersion" WHERE "id" = 1`;

/** One approved tool an entitlement grants, with its server. */
export interface CatalogGrantRow {
  entitlementId: string;
  entitlementName: string;
  maxSessionSeconds: number;
  reauthIntervalSeconds: number | null;
  toolId: string;
  toolName: string;
  scope: string;
  risk: ToolRisk;
  serverId: string;
  serverName: string;
  resourceUri: string;
}

export interface CatalogServerRow {
  id: string;
  name: string;
  resourceUri: string;
  enforcementMode: "native" | "gateway";
  authorizationServerIssuer: string | null;
}

/** Whether `db` reads committed state on a path of its own (a root client), rather than a transaction's view. */
export function readsCommittedState(db: Db | Tx): db is Db {
  return readPoolOf(db) !== null;
}

/** The catalogue's version on a root client's read path; null when the database has no version row. */
export async function catalogVersion(db: Db): Promise<string | null> {
  const pool = readPoolOf(db);
  if (!pool) throw new Error("the catalogue's version is read on a root client");
  const [row] = await pool.query(VERSION_SQL, []);
  return row ? String(row.generation) : null;
}

/** Every approved tool each entitlement grants, and every registered server. */
export async function catalogRows(db: Db | Tx): Promise<{ grants: CatalogGrantRow[]; servers: CatalogServerRow[] }> {
  const pool = readPoolOf(db);
  const read = (sql: string) => (pool ? pool.query(sql, []) : db.$queryRawUnsafe<Record<string, unknown>[]>(sql));
  const [grants, servers] = [await read(CATALOG_SQL), await read(SERVERS_SQL)];
  return {
    grants: grants.map((r) => ({
      entitlementId: rawString(r.entitlementId),
      entitlementName: rawString(r.entitlementName),
      maxSessionSeconds: rawInt(r.maxSessionSeconds),
      reauthIntervalSeconds: rawNullableInt(r.reauthIntervalSeconds),
      toolId: rawString(r.toolId),
      toolName: rawString(r.toolName),
      scope: rawString(r.scope),
      risk: rawString(r.risk) as CatalogGrantRow["risk"],
      serverId: rawString(r.serverId),
      serverName: rawString(r.serverName),
      resourceUri: rawString(r.resourceUri),
    })),
    servers: servers.map((r) => ({
      id: rawString(r.id),
      name: rawString(r.name),
      resourceUri: rawString(r.resourceUri),
      enforcementMode: rawString(r.enforcementMode) as CatalogServerRow["enforcementMode"],
      authorizationServerIssuer: rawNullableString(r.authorizationServerIssuer),
    })),
  };
}
