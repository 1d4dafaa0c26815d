import { SignJWT, type JWTPayload } from "jose";
import type { KeyRing } from "@/lib/keys/key-ring";

/**
 * Signs one of our JWTs with the active key. `typ` is explicit (RFC 8725
 * §3.11) so an access token can never be replayed as an ID-JAG or vice versa.
 */
export async function signToken(keys: KeyRing, typ: string, claims: JWTPayload): Promise<string> {
  const signer = await keys.signer();
  return new SignJWT(claims).setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ }).sign(signer.key);
}
