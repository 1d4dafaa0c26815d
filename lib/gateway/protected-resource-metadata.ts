import { MCP_TOOLS_TYPE } from "@/lib/oauth/authorization-details";
import type { GatewayServer } from "./directory";

/** Where the gateway serves a server's MCP endpoint and its RFC 9728 metadata. */
export const gatewayPaths = {
  endpoint: (slug: string) => `/mcp/${slug}`,
  /** RFC 9728 §3.1: the well-known suffix is inserted before the resource's path. */
  metadata: (slug: string) => `/.well-known/oauth-protected-resource/mcp/${slug}`,
};

export function protectedResourceMetadataUrl(publicBase: string, slug: string): string {
  return `${publicBase}${gatewayPaths.metadata(slug)}`;
}

/** RFC 9728 §2 Protected Resource Metadata of one gateway-mode server. */
export function protectedResourceMetadata(server: GatewayServer, issuer: string): Record<string, unknown> {
  return {
    resource: server.resourceUri,
    authorization_servers: [issuer],
    scopes_supported: server.scopes,
    bearer_methods_supported: ["header"],
    // RFC 9728 §2: the RFC 9396 type this resource enforces (the tools a token may call).
    authorization_details_types_supported: [MCP_TOOLS_TYPE],
    resource_name: server.name,
  };
}
