import type { Db, Tx } from "@/lib/db/client";
import { readPoolOf, type ReadPool } from "@/lib/db/read-pool";
import { rawDate, rawString } from "@/lib/db/raw-values";
import type { Risk } from "./risk";

/** An approved tool as an entitlement grants it. */
export interface CatalogTool {
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
  tools: CatalogTool[];
}

export type EntitlementCatalog = ReadonlyMap<string, CatalogEntitlement>;

// What every entitlement grants: changes rarely, read on every mint and every
// effective-access computation. Kept in memory and re-read when its version
// (row counts and newest update times of the four tables) moves, which also
// picks up changes committed by other instances.
const CATALOG_SQL = `
SELECT e."id" AS "entitlementId", e."name" AS "entitlementName",
       t."id" AS "toolId", t."name" AS "toolName", t."scope" AS "scope", t."risk" AS "risk",
       s."id" AS "serverId", s."name" AS "serverName", s."resourceUri" AS "resourceUri"
FROM "Entitlement" e
JOIN "EntitlementTool" et ON et."entitlementId" = e."id"
JOIN "Tool" t ON t."id" = et."toolId" AND t."status" = 'approved'
JOIN "McpServer" s ON s."id" = t."serverId"`;

const VERSION_SQL = `
SELECT (SELECT COUNT(*) FROM "EntitlementTool") AS "links",
       (SELECT COUNT(*) FROM "Entitlement") AS "entitlements",
       (SELECT COUNT(*) FROM "Tool") AS "tools",
       (SELECT MAX("updatedAt") FROM "Entitlement") AS "entitlementsAt",
       (SELECT MAX("updatedAt") FROM "Tool") AS "toolsAt",
       (SELECT MAX("updatedAt") FROM "McpServer") AS "serversAt"`;

const cache = new WeakMap<object, { version: string; catalog: EntitlementCatalog }>();

async function catalogVersion(pool: ReadPool): Promise<string> {
  const [row] = await pool.query(VERSION_SQL, []);
  if (!row) return "";
  const at = (v: unknown) => rawDate(v)?.getTime() ?? 0;
  return [Number(row.links), Number(row.entitlements), Number(row.tools), at(row.entitlementsAt), at(row.toolsAt), at(row.serversAt)].join(":");
}

async function readCatalog(db: Db | Tx, pool: ReadPool | null): Promise<EntitlementCatalog> {
  const raw = pool ? await pool.query(CATALOG_SQL, []) : await db.$queryRawUnsafe<Record<string, unknown>[]>(CATALOG_SQL);
  const catalog = new Map<string, CatalogEntitlement>();
  for (const r of raw) {
    const id = rawString(r.entitlementId);
    let e = catalog.get(id);
    if (!e) catalog.set(id, (e = { id, name: rawString(r.entitlementName), tools: [] }));
    e.tools.push({
      toolId: rawString(r.toolId), toolName: rawString(r.toolName), scope: rawString(r.scope), risk: rawString(r.risk) as Risk,
      serverId: rawString(r.serverId), serverName: rawString(r.serverName), resourceUri: rawString(r.resourceUri),
    });
  }
  return catalog;
}

/**
 * The entitlement catalogue as of now. Inside a transaction it is read fresh
 * (the transaction may be changing it, as the what-if preview does) and never
 * cached.
 */
export async function entitlementCatalog(db: Db | Tx): Promise<EntitlementCatalog> {
  const pool = readPoolOf(db);
  if (!pool) return readCatalog(db, null);
  const version = await catalogVersion(pool);
  const hit = cache.get(db);
  if (hit && hit.version === version) return hit.catalog;
  const catalog = await readCatalog(db, pool);
  // Re-check: a change committed while reading must not be cached under the old version.
  if ((await catalogVersion(pool)) === version) cache.set(db, { version, catalog });
  return catalog;
}

/** Tests and provider switches. */
export function forgetEntitlementCatalog(db: Db): void {
  cache.delete(db);
}
