import { importJWK, type JWK } from "jose";
import { DomainError } from "@/lib/errors/domain-error";

export const ACCEPTED_KEY_ALGORITHMS = ["ES256", "EdDSA", "RS256"] as const;
type KeyAlgorithm = (typeof ACCEPTED_KEY_ALGORITHMS)[number];

/** Members that only a private or secret key has: uploading one would hand Mandate the agent's credential. */
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] as const;
/** The members a public key of each type needs — everything else is dropped before storing. */
const PUBLIC_MEMBERS: Record<string, readonly string[]> = {
  EC: ["kty", "crv", "x", "y"],
  OKP: ["kty", "crv", "x"],
  RSA: ["kty", "n", "e"],
};
const MIN_RSA_BITS = 2048;

export interface PublicJwkSet {
  keys: (JWK & { kid: string; alg: KeyAlgorithm })[];
}

/** The algorithm a key's type implies, or null when Mandate does not accept that type of key. */
function algorithmOf(jwk: Record<string, unknown>): KeyAlgorithm | null {
  if (jwk.kty === "EC" && jwk.crv === "P-256") return "ES256";
  if (jwk.kty === "OKP" && jwk.crv === "Ed25519") return "EdDSA";
  if (jwk.kty === "RSA") return "RS256";
  return null;
}

function refuse(message: string): never {
  throw new DomainError("invalid", message, "jwks");
}

/**
 * Checks an uploaded JWK Set for private_key_jwt and returns it reduced to
 * public members. Every key must be an asymmetric public key (ES256, EdDSA or
 * RS256) with a kid, and must import with jose — a key that cannot verify a
 * signature is refused now, not at the agent's first token request.
 */
export async function validateUploadedJwks(set: { keys: Record<string, unknown>[] }): Promise<PublicJwkSet> {
  const kids = new Set<string>();
  const keys: PublicJwkSet["keys"] = [];
  for (const [i, jwk] of set.keys.entries()) {
    const label = typeof jwk.kid === "string" && jwk.kid ? `Key “${jwk.kid}”` : `Key ${i + 1}`;
    if (jwk.kty === "oct") refuse(`${label} is a symmetric key; upload public keys only`);
    const privateMember = PRIVATE_MEMBERS.find((m) => m in jwk);
    if (privateMember)
      refuse(`${label} contains private key material (“${privateMember}”); upload the public key only`);
    if (typeof jwk.kid !== "string" || jwk.kid.trim() === "")
      refuse(`${label} has no kid; every key needs one so tokens can name it`);
    if (kids.has(jwk.kid)) refuse(`${label}: the kid is used twice`);
    const alg = algorithmOf(jwk);
    if (!alg) refuse(`${label} is not an ES256 (P-256), EdDSA (Ed25519) or RS256 key`);
    if (jwk.alg !== undefined && jwk.alg !== alg)
      refuse(`${label} says alg ${String(jwk.alg)}; only ${alg} fits this key`);
    if (jwk.use !== undefined && jwk.use !== "sig") refuse(`${label} is not a signing key (use: ${String(jwk.use)})`);
    if (alg === "RS256" && typeof jwk.n === "string" && Buffer.from(jwk.n, "base64url").length * 8 < MIN_RSA_BITS) {
      refuse(`${label} is shorter than ${MIN_RSA_BITS} bits`);
    }
    const publicJwk = Object.fromEntries(
      (PUBLIC_MEMBERS[String(jwk.kty)] ?? []).filter((m) => m in jwk).map((m) => [m, jwk[m]]),
    ) as JWK;
    try {
      await importJWK(publicJwk, alg);
    } catch (e) {
      refuse(`${label} is not a valid ${alg} public key (${e instanceof Error ? e.message : "unreadable"})`);
    }
    kids.add(jwk.kid);
    keys.push({ ...publicJwk, kid: jwk.kid, alg, use: "sig" });
  }
  return { keys };
}
