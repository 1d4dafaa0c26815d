import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { masterKey } from "@/lib/crypto/secret-box";

/** Who an MCP session belongs to: the Mandate agent session (token `sid`) on one server. */
export interface SessionOwner {
  serverId: string;
  sessionId: string;
}

const PREFIX = "m1.";
const MAC_BYTES = 16;
/** Upstream session ids are visible ASCII (MCP transports); longer ones are not ours to bind. */
const MAX_UPSTREAM_ID = 512;

/**
 * Binds an upstream's `Mcp-Session-Id` to the agent session that opened it,
 * without storing anything: the client is given
 * `m1.<base64url(upstream id)>.<base64url(HMAC-SHA256(key, server, sid, upstream id))>`
 * (128-bit tag), and the gateway forwards the upstream id only when the tag
 * verifies for the caller's own `sid` on this server. Another token — another
 * agent session, or the same agent on another server — cannot use or DELETE
 * it, and gets 404 as for any unknown session (MCP Streamable HTTP, Session
 * Management).
 *
 * Stateless on purpose: every instance on one database derives the same key
 * from MANDATE_MASTER_KEY (HKDF, a key of its own), so a session opened
 * through one instance is accepted by every other with no shared table, no
 * write on `initialize`, and nothing to expire. The upstream id is not
 * secret (the client relayed it before); the tag is what binds it.
 */
export class McpSessionBinding {
  private key: Buffer | null;

  constructor(key?: Buffer) {
    this.key = key ?? null;
  }

  /** The id to give the client for an upstream session opened by `owner`. */
  wrap(upstreamId: string, owner: SessionOwner): string {
    const id = Buffer.from(upstreamId, "utf8").toString("base64url");
    return `${PREFIX}${id}.${this.tag(upstreamId, owner).toString("base64url")}`;
  }

  /** The upstream id when `clientId` was given to `owner`; null for anything else (forged, another owner's, malformed). */
  unwrap(clientId: string, owner: SessionOwner): string | null {
    if (!clientId.startsWith(PREFIX)) return null;
    const dot = clientId.indexOf(".", PREFIX.length);
    if (dot === -1) return null;
    const upstreamId = Buffer.from(clientId.slice(PREFIX.length, dot), "base64url").toString("utf8");
    const tag = Buffer.from(clientId.slice(dot + 1), "base64url");
    if (upstreamId === "" || upstreamId.length > MAX_UPSTREAM_ID || tag.length !== MAC_BYTES) return null;
    // Compared whole: only the canonical encoding is ours, so no two client ids name one binding.
    const expected = Buffer.from(this.wrap(upstreamId, owner));
    const given = Buffer.from(clientId);
    return expected.length === given.length && timingSafeEqual(expected, given) ? upstreamId : null;
  }

  private tag(upstreamId: string, owner: SessionOwner): Buffer {
    // Length-prefixed fields: no two (server, sid, id) triples share an input.
    const input = [owner.serverId, owner.sessionId, upstreamId].map((f) => `${Buffer.byteLength(f)}:${f}`).join("");
    return createHmac("sha256", this.secret()).update(input).digest().subarray(0, MAC_BYTES);
  }

  private secret(): Buffer {
    this.key ??= Buffer.from(hkdfSync("sha256", masterKey(), Buffer.alloc(0), "mandate gateway mcp-session-id v1", 32));
    return this.key;
  }
}
