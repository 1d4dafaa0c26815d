import type { JWTPayload } from "jose";
import type { KeyRing } from "@/lib/keys/key-ring";
import { grantedToolNames } from "@/lib/oauth/authorization-details";
import { TYP_ACCESS_TOKEN } from "@/lib/oauth/defaults";
import { verifyOwnToken } from "@/lib/tokens/verify-own-token";
import type { GatewayCaller } from "./caller";

export type TokenCheck = { ok: true; caller: GatewayCaller } | { ok: false; reason: string };

/** Bound on cached tokens: the least recently used is evicted beyond it (a flood of distinct tokens costs verifications, not memory). */
const MAX_CACHED = 50_000;

/**
 * Verifies Mandate-issued access tokens for the gateway: signature by our key
 * ring, `typ` at+jwt, issuer, exp, and the exact audience of the server
 * called. A verified token is remembered (bounded LRU keyed by the whole
 * token, so a hit implies the same signed bytes; for at most `cacheMs` and
 * never past its exp) so the hot path skips the signature check; revocation
 * is checked separately, on every call.
 */
export class TokenVerifier {
  private readonly cache = new Map<string, { caller: GatewayCaller; until: number }>();

  constructor(
    private readonly keys: KeyRing,
    private readonly issuer: () => string,
    private readonly cacheMs: number,
  ) {}

  async verify(token: string, audience: string, now = Date.now()): Promise<TokenCheck> {
    let caller: GatewayCaller;
    const hit = this.cache.get(token);
    if (hit && hit.until > now) {
      caller = hit.caller;
      // LRU: a Map iterates in insertion order, so re-inserting marks this token most recently used.
      this.cache.delete(token);
      this.cache.set(token, hit);
    } else {
      if (hit) this.cache.delete(token);
      // Our own process signs these: no clock skew to tolerate.
      const checked = await verifyOwnToken(this.keys, token, {
        issuer: this.issuer(),
        typ: TYP_ACCESS_TOKEN,
        now: new Date(now),
        clockSkewSeconds: 0,
      });
      if (!checked.ok) return { ok: false, reason: checked.reason };
      const read = callerOf(checked.payload);
      if (!read) return { ok: false, reason: "token lacks client_id, sid or scope" };
      caller = read;
      if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(token, { caller, until: Math.min(caller.expiresAtMs, now + this.cacheMs) });
    }
    if (caller.expiresAtMs <= now) return { ok: false, reason: "exp: token expired" };
    if (caller.audience !== audience) return { ok: false, reason: "aud: token is for another resource" };
    return { ok: true, caller };
  }
}

function callerOf(p: JWTPayload): GatewayCaller | null {
  const clientId = typeof p.client_id === "string" ? p.client_id : null;
  const sid = typeof p.sid === "string" ? p.sid : null;
  if (!clientId || !sid || typeof p.aud !== "string" || typeof p.jti !== "string" || typeof p.exp !== "number")
    return null;
  const scope = typeof p.scope === "string" ? p.scope : "";
  return {
    clientId,
    userSubject: p.act !== undefined && typeof p.sub === "string" ? p.sub : null,
    sessionId: sid,
    jti: p.jti,
    audience: p.aud,
    scopes: new Set(scope.split(" ").filter(Boolean)),
    // Read once here and cached with the token: a call costs one Set lookup. A token without tools (minted
    // before they were carried) may call none.
    tools: grantedToolNames(p.authorization_details, p.aud) ?? new Set<string>(),
    expiresAtMs: p.exp * 1000,
  };
}
