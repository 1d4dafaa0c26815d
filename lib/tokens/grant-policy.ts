import type { Db } from "@/lib/db/client";
import { highestRisk, type EffectiveAccess, type Risk } from "@/lib/entitlements/effective-access";
import { entitlementCatalog, type CatalogServer } from "@/lib/entitlements/entitlement-catalog";
import { InvalidScope, InvalidTarget } from "@/lib/oauth/errors";

/** The MCP server a token is for: its audience (RFC 8707 resource). */
export type TargetServer = CatalogServer;

/** A tool a mint grants: its id (what the session records) and its name (what the token carries). */
export interface GrantedTool {
  id: string;
  name: string;
}

/** What policy allows for one mint: decided from effective access, never from the request alone. */
export interface GrantDecision {
  server: TargetServer;
  scopes: string[];
  /**
   * Exactly the tools the token may call, ordered by name: the effective tools on the server whose scope was
   * granted (and, for jwt-bearer, that the ID-JAG carried). The token carries them as RFC 9396
   * authorization_details (lib/oauth/authorization-details.ts); the gateway allows nothing else.
   */
  tools: GrantedTool[];
  /** Strictest max session of the entitlements granting these scopes. */
  maxSessionSeconds: number;
  /** Strictest re-authentication interval among them (null: none required). */
  reauthIntervalSeconds: number | null;
  /** Earliest end of a grant path behind these scopes (null: open-ended). */
  until: Date | null;
  risk: Risk;
}

/** RFC 8707 §2: the resource indicator must be an absolute URI without a fragment. Checked before anything is read. */
export function targetResource(resource: string | undefined): string {
  if (!resource) throw new InvalidTarget("resource is required (RFC 8707)");
  let url: URL;
  try {
    url = new URL(resource);
  } catch {
    throw new InvalidTarget("resource must be an absolute URI");
  }
  if (url.hash) throw new InvalidTarget("resource must not contain a fragment");
  return resource;
}

function registered(servers: ReadonlyMap<string, TargetServer>, resource: string): TargetServer {
  const server = servers.get(resource);
  if (!server) throw new InvalidTarget("resource is not a registered MCP server", resource.slice(0, 300));
  return server;
}

/**
 * The registered MCP server named by `resource` (checked by targetResource),
 * from the catalogue version the access was computed at: server and scopes
 * come from one snapshot, and the mint reads nothing more for it.
 */
export function serverIn(access: EffectiveAccess, resource: string): TargetServer {
  return registered(access.servers, resource);
}

/** The same, read on its own (the catalogue's version, then its cached copy): for a grant that needs the server first. */
export async function registeredServer(db: Db, resource: string | undefined): Promise<TargetServer> {
  const checked = targetResource(resource);
  return registered((await entitlementCatalog(db)).servers, checked);
}

/**
 * Scopes = requested ∩ what effective access reaches on that server (all of
 * them when none are requested); tools = the effective tools on that server
 * whose scope was granted. `within` (tool names) bounds the tools further: a
 * jwt-bearer mint never widens beyond its ID-JAG's tools. Nothing left is a
 * refusal, not an empty token. The limits come with the access (each grant
 * path carries its entitlement's), read from the same catalogue version: no
 * query of its own.
 */
export function decideGrant(
  access: EffectiveAccess,
  server: TargetServer,
  requested: readonly string[],
  within?: ReadonlySet<string>,
): GrantDecision {
  const onServer = access.tools.filter((t) => t.resourceUri === server.resourceUri);
  if (onServer.length === 0) throw new InvalidTarget("no access to this resource");
  const candidates = within ? onServer.filter((t) => within.has(t.toolName)) : onServer;
  if (candidates.length === 0)
    throw new InvalidScope("none of the assertion's tools is still granted for this resource");
  const reachable = new Set(candidates.map((t) => t.scope));
  const scopes = requested.length === 0 ? [...reachable].sort() : requested.filter((s) => reachable.has(s));
  if (scopes.length === 0) throw new InvalidScope("none of the requested scopes is granted for this resource");
  const granted = new Set(scopes);
  // On one server the catalogue's order is by tool name (code points): the token lists them sorted.
  const tools = candidates.filter((t) => granted.has(t.scope));
  // Every path behind a granted tool limits the mint: its entitlement's session length and re-auth interval.
  const paths = tools.flatMap((t) => t.via);
  const maxSessionSeconds = Math.min(...paths.map((p) => p.maxSessionSeconds));
  const intervals = paths.map((p) => p.reauthIntervalSeconds).filter((v): v is number => v !== null && v > 0);
  const ends = tools.map((t) => t.until).filter((d): d is Date => d !== null);
  return {
    server,
    scopes,
    tools: tools.map((t) => ({ id: t.toolId, name: t.toolName })),
    maxSessionSeconds: Number.isFinite(maxSessionSeconds) ? maxSessionSeconds : 0,
    reauthIntervalSeconds: intervals.length ? Math.min(...intervals) : null,
    until: ends.length ? new Date(Math.min(...ends.map((d) => d.getTime()))) : null,
    risk: highestRisk(tools) ?? "read",
  };
}
