import { KeyObject, sign } from "node:crypto";
import type { JWTPayload } from "jose";
import type { KeyRing } from "@/lib/keys/key-ring";

// node:crypto signs synchronously with a KeyObject; WebCrypto (which jose
// uses) pays a job and a promise per signature. The KeyObject is derived once
// per key and kept as long as the ring keeps its CryptoKey.
const keyObjects = new WeakMap<object, KeyObject>();
const headers = new Map<string, string>();

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64url");

/**
 * Signs one of our JWTs with the active key (RFC 7515 compact serialization).
 * `typ` is explicit (RFC 8725 §3.11) so an access token can never be replayed
 * as an ID-JAG or vice versa. ES256 signatures are the raw r‖s form JWS
 * requires (RFC 7518 §3.4), not DER.
 */
export async function signToken(keys: KeyRing, typ: string, claims: JWTPayload): Promise<string> {
  const signer = await keys.signer();
  let key = keyObjects.get(signer.key);
  if (!key) keyObjects.set(signer.key, (key = KeyObject.from(signer.key)));
  const headerKey = `${signer.kid}\u0000${signer.alg}\u0000${typ}`;
  let header = headers.get(headerKey);
  if (!header) {
    if (headers.size > 100) headers.clear();
    headers.set(headerKey, (header = b64(JSON.stringify({ alg: signer.alg, kid: signer.kid, typ }))));
  }
  const input = `${header}.${b64(JSON.stringify(claims))}`;
  const signature =
    signer.alg === "ES256"
      ? sign("sha256", Buffer.from(input), { key, dsaEncoding: "ieee-p1363" })
      : sign(null, Buffer.from(input), key);
  return `${input}.${signature.toString("base64url")}`;
}
