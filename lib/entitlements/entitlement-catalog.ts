import type { Db, Tx } from "@/lib/db/client";
import { readPoolOf, type ReadPool } from "@/lib/db/read-pool";
import { rawInt, rawNullableInt, rawNullableString, rawString } from "@/lib/db/raw-values";
import type { Risk } from "./risk";

/** An approved tool as an entitlement grants it. */
export interface CatalogTool {
  /** Position in `EntitlementCatalog.tools` (display order): sorting by it is sorting by server, then tool name. */
  index: number;
  toolId: string;
  toolName: string;
  scope: string;
  risk: Risk;
  serverId: string;
  serverName: string;
  resourceUri: string;
}

export interface CatalogEntitlement {
  id: string;
  name: string;
  /** Longest session a mint through this entitlement may open. */
  maxSessionSeconds: number;
  /** Re-authentication interval of the person behind a session (null: none). */
  reauthIntervalSeconds: number | null;
  /** Shared by every caller and every call until the catalogue changes: read, never modify. */
  tools: readonly CatalogTool[];
}

/** A registered MCP server: what a token names as its audience (RFC 8707 resource). */
export interface CatalogServer {
  id: string;
  name: string;
  resourceUri: string;
  enforcementMode: "native" | "gateway";
  authorizationServerIssuer: string | null;
}

export interface EntitlementCatalog {
  /** Entitlements that grant at least one approved tool. */
  entitlements: ReadonlyMap<string, CatalogEntitlement>;
  /** Every granted tool once, ordered by server name, then tool name (code points). */
  tools: readonly CatalogTool[];
  /** Every registered MCP server, granted or not, by resource URI. */
  servers: ReadonlyMap<string, CatalogServer>;
}

// What every entitlement grants: changes rarely, read on every mint and every
// effective-access computation. Kept in memory and re-read when its version
// moves: CatalogVersion's one row, which database triggers bump on every change
// to the four tables — by this instance, another one, or any SQL at all.
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

const cache = new WeakMap<object, { version: string; catalog: EntitlementCatalog }>();

let unversioned = 0;

async function catalogVersion(pool: ReadPool): Promise<string> {
  const [row] = await pool.query(VERSION_SQL, []);
  // Without its version row (a database not migrated this far) no two reads share a version: never cached.
  if (!row) return `unversioned:${++unversioned}`;
  return String(row.generation);
}

// Code-point order: stable across machines and databases (their collations differ).
const byCodePoint = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

async function readCatalog(db: Db | Tx, pool: ReadPool | null): Promise<EntitlementCatalog> {
  const read = (sql: string) => (pool ? pool.query(sql, []) : db.$queryRawUnsafe<Record<string, unknown>[]>(sql));
  const raw = await read(CATALOG_SQL);
  const servers = new Map<string, CatalogServer>();
  for (const r of await read(SERVERS_SQL)) {
    const resourceUri = rawString(r.resourceUri);
    servers.set(resourceUri, {
      id: rawString(r.id), name: rawString(r.name), resourceUri, enforcementMode: rawString(r.enforcementMode) as CatalogServer["enforcementMode"],
      authorizationServerIssuer: rawNullableString(r.authorizationServerIssuer),
    });
  }
  const entitlements = new Map<string, CatalogEntitlement & { tools: CatalogTool[] }>();
  const tools = new Map<string, CatalogTool>();
  for (const r of raw) {
    const id = rawString(r.entitlementId);
    let e = entitlements.get(id);
    if (!e) {
      entitlements.set(id, (e = {
        id, name: rawString(r.entitlementName), maxSessionSeconds: rawInt(r.maxSessionSeconds),
        reauthIntervalSeconds: rawNullableInt(r.reauthIntervalSeconds), tools: [],
      }));
    }
    const toolId = rawString(r.toolId);
    // One object per tool, however many entitlements grant it.
    let t = tools.get(toolId);
    if (!t) {
      tools.set(toolId, (t = {
        index: 0, toolId, toolName: rawString(r.toolName), scope: rawString(r.scope), risk: rawString(r.risk) as Risk,
        serverId: rawString(r.serverId), serverName: rawString(r.serverName), resourceUri: rawString(r.resourceUri),
      }));
    }
    e.tools.push(t);
  }
  const ordered = [...tools.values()].sort((a, b) => byCodePoint(a.serverName, b.serverName) || byCodePoint(a.toolName, b.toolName) || byCodePoint(a.toolId, b.toolId));
  ordered.forEach((t, i) => {
    t.index = i;
  });
  return { entitlements, tools: ordered, servers };
}

/**
 * The entitlement catalogue as of now. Inside a transaction it is read fresh
 * (the transaction may be changing it, as the what-if preview does) and never
 * cached.
 */
export async function entitlementCatalog(db: Db | Tx): Promise<EntitlementCatalog> {
  const pool = readPoolOf(db);
  if (!pool) return readCatalog(db, null);
  return entitlementCatalogAt(db, pool, await catalogVersion(pool));
}

/**
 * The catalogue at a version the caller has just read (effective access reads
 * it in the same statement as the assignments: one round trip fewer, and both
 * from one snapshot).
 */
export async function entitlementCatalogAt(db: Db | Tx, pool: ReadPool, version: string): Promise<EntitlementCatalog> {
  const hit = cache.get(db);
  if (hit && hit.version === version) return hit.catalog;
  const catalog = await readCatalog(db, pool);
  // Re-check: a change committed while reading must not be cached under the old version.
  if ((await catalogVersion(pool)) === version) cache.set(db, { version, catalog });
  return catalog;
}
