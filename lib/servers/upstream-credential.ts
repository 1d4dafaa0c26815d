import { open, seal } from "@/lib/crypto/secret-box";

/**
 * The upstream credential of one server, sealed under the master key and
 * bound to the server's id: a ciphertext copied onto another server's row
 * does not open there.
 */
const contextOf = (serverId: string) => `mcp_server.upstream_credential:${serverId}`;

export function sealUpstreamCredential(serverId: string, plaintext: string): string {
  return seal(plaintext, contextOf(serverId));
}

export function openUpstreamCredential(serverId: string, sealed: string): string {
  return open(sealed, contextOf(serverId));
}
