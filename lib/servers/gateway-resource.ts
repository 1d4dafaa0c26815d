import { gatewayPaths } from "@/lib/gateway/protected-resource-metadata";
import { DomainError } from "@/lib/errors/domain-error";

/**
 * A gateway server's resource URI is the URL the gateway serves it at,
 * `<MANDATE_ISSUER>/mcp/<slug>`. RFC 9728 §3.3: a client must check that the
 * protected-resource metadata's `resource` is the URL it called, and the MCP
 * SDK refuses the metadata otherwise — so any other value would register a
 * server no standard client can use. Deriving it (rather than also serving
 * whatever path an admin typed) keeps one URL per server, on Mandate's own
 * origin, where the metadata and the token audience can never disagree.
 */
export function gatewayResourceUri(issuer: string, slug: string): string {
  return `${issuer.replace(/\/+$/, "")}${gatewayPaths.endpoint(slug)}`;
}

type ResourceFields = { enforcementMode: "native" | "gateway"; resourceUri?: string | undefined };

/**
 * The resource URI to store: a native server's as given (it is where the
 * server lives), a gateway server's derived when left empty and refused when
 * it names any other URL.
 */
export function resolveResourceUri(fields: ResourceFields, slug: string, issuer: string): string {
  if (fields.enforcementMode === "native") {
    if (!fields.resourceUri)
      throw new DomainError(
        "invalid",
        "A native server needs its resource URI: the URL where agents reach it",
        "resourceUri",
      );
    return fields.resourceUri;
  }
  const derived = gatewayResourceUri(issuer, slug);
  if (!fields.resourceUri || sameUrl(fields.resourceUri, derived)) return derived;
  throw new DomainError(
    "invalid",
    `A gateway server's resource URI is its gateway URL, ${derived}: MCP clients refuse a server whose metadata names another URL (RFC 9728 §3.3). Leave the field empty to use it.`,
    "resourceUri",
  );
}

/** Equal as URLs: the scheme and host are case-insensitive, a trailing slash is not a different server to an admin. */
function sameUrl(a: string, b: string): boolean {
  const norm = (v: string) => {
    try {
      return new URL(v).href.replace(/\/+$/, "");
    } catch {
      return v;
    }
  };
  return norm(a) === norm(b);
}
