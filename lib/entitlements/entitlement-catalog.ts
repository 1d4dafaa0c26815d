import type { Db, Tx } from "@/lib/db/client";
import { catalogRows, catalogVersion, readsCommittedState } from "@/lib/db/stores/access";
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

// What every entitlement grants changes rarely and is read on every mint and every effective-access
// computation: kept in memory and re-read when its version (lib/db/stores/access) moves.
const cache = new WeakMap<object, { version: string; catalog: EntitlementCatalog }>();

let unversioned = 0;

async function versionOf(db: Db): Promise<string> {
  // Without its version row (a database not migrated this far) no two reads share a version: never cached.
  return (await catalogVersion(db)) ?? `unversioned:${++unversioned}`;
}

// Code-point order: stable across machines and databases (their collations differ).
const byCodePoint = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

async function readCatalog(db: Db | Tx): Promise<EntitlementCatalog> {
  const rows = await catalogRows(db);
  const servers = new Map<string, CatalogServer>();
  for (const r of rows.servers) servers.set(r.resourceUri, r);
  const entitlements = new Map<string, CatalogEntitlement & { tools: CatalogTool[] }>();
  const tools = new Map<string, CatalogTool>();
  for (const r of rows.grants) {
    const id = r.entitlementId;
    let e = entitlements.get(id);
    if (!e) {
      entitlements.set(
        id,
        (e = {
          id,
          name: r.entitlementName,
          maxSessionSeconds: r.maxSessionSeconds,
          reauthIntervalSeconds: r.reauthIntervalSeconds,
          tools: [],
        }),
      );
    }
    const toolId = r.toolId;
    // One object per tool, however many entitlements grant it.
    let t = tools.get(toolId);
    if (!t) {
      tools.set(
        toolId,
        (t = {
          index: 0,
          toolId,
          toolName: r.toolName,
          scope: r.scope,
          risk: r.risk as Risk,
          serverId: r.serverId,
          serverName: r.serverName,
          resourceUri: r.resourceUri,
        }),
      );
    }
    e.tools.push(t);
  }
  const ordered = [...tools.values()].sort(
    (a, b) =>
      byCodePoint(a.serverName, b.serverName) || byCodePoint(a.toolName, b.toolName) || byCodePoint(a.toolId, b.toolId),
  );
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
  if (!readsCommittedState(db)) return readCatalog(db);
  return entitlementCatalogAt(db, await versionOf(db));
}

/**
 * The catalogue at a version the caller has just read (effective access reads
 * it in the same statement as the assignments: one round trip fewer, and both
 * from one snapshot).
 */
export async function entitlementCatalogAt(db: Db, version: string): Promise<EntitlementCatalog> {
  const hit = cache.get(db);
  if (hit && hit.version === version) return hit.catalog;
  const catalog = await readCatalog(db);
  // Re-check: a change committed while reading must not be cached under the old version.
  if ((await versionOf(db)) === version) cache.set(db, { version, catalog });
  return catalog;
}
