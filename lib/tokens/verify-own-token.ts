import { decodeProtectedHeader, jwtVerify, type JWTPayload } from "jose";
import type { KeyRing } from "@/lib/keys/key-ring";
import { describeJoseError } from "@/lib/oauth/jose-errors";

export type OwnTokenCheck = { ok: true; payload: JWTPayload } | { ok: false; reason: string };

/**
 * Verifies a JWT that Mandate itself signed. The key is chosen by `kid` among
 * our own signing keys only: `jku`, `x5u` and `jwk` headers are never
 * followed, `alg` must be the key's own (no `none`, no HS* with a public key
 * as secret), and `typ` must be the expected one.
 */
export async function verifyOwnToken(
  keys: KeyRing,
  token: string,
  opts: { issuer: string; typ: string; audience?: string; now?: Date; clockSkewSeconds?: number },
): Promise<OwnTokenCheck> {
  let header;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    return { ok: false, reason: "not a JWS" };
  }
  const key = await keys.verificationKey(header.kid, header.alg, opts.now);
  if (!key) return { ok: false, reason: "unknown key or algorithm" };
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: [header.alg ?? ""],
      issuer: opts.issuer,
      typ: opts.typ,
      requiredClaims: ["exp", "iat", "jti"],
      clockTolerance: opts.clockSkewSeconds ?? 0,
      currentDate: opts.now,
    });
    // Exact, single-valued audience: a token for several audiences is not ours to accept.
    if (opts.audience !== undefined && payload.aud !== opts.audience)
      return { ok: false, reason: "aud: unexpected audience" };
    return { ok: true, payload };
  } catch (e) {
    return { ok: false, reason: describeJoseError(e) };
  }
}
