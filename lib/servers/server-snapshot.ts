import type { McpServer } from "@/lib/db/generated/sqlite/client";

/**
 * A server as the audit trail records it (`detail.before` / `detail.after`).
 * The upstream credential appears only as whether one is set: neither the
 * secret nor its ciphertext belongs in a log that many people read.
 */
export type ServerSnapshot = {
  name: string;
  slug: string;
  description: string | null;
  category: string | null;
  resourceUri: string;
  authorizationServerIssuer: string | null;
  enforcementMode: string;
  upstreamUrl: string | null;
  upstreamCredential: "set" | "none";
  argumentLogging: string;
  introspects: boolean;
  ownerId: string | null;
};

export function serverSnapshot(server: McpServer): ServerSnapshot {
  return {
    name: server.name,
    slug: server.slug,
    description: server.description,
    category: server.category,
    resourceUri: server.resourceUri,
    authorizationServerIssuer: server.authorizationServerIssuer,
    enforcementMode: server.enforcementMode,
    introspects: server.introspects,
    upstreamUrl: server.upstreamUrl,
    upstreamCredential: server.upstreamCredentialEnc ? "set" : "none",
    argumentLogging: server.argumentLogging,
    ownerId: server.ownerId,
  };
}
