import { randomBytes } from "node:crypto";
import { exportJWK, exportPKCS8, generateKeyPair, type JWK } from "jose";
import { seal } from "@/lib/crypto/secret-box";

export type SigningAlg = "ES256" | "EdDSA";

export interface NewSigningKey {
  kid: string;
  alg: SigningAlg;
  publicJwk: JWK;
  /** PKCS8 PEM, sealed with the master key: the database never holds a usable private key. */
  privateKeyEnc: string;
}

/** Generates a key pair; only its public half ever leaves this function unsealed. */
export async function newSigningKey(alg: SigningAlg): Promise<NewSigningKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, {
    extractable: true,
    ...(alg === "EdDSA" ? { crv: "Ed25519" } : {}),
  });
  const kid = randomBytes(12).toString("base64url");
  const jwk = await exportJWK(publicKey);
  return {
    kid,
    alg,
    publicJwk: { ...jwk, kid, alg, use: "sig" },
    // Bound to its kid: a sealed private key copied onto another key row does not open.
    privateKeyEnc: seal(await exportPKCS8(privateKey), `signing-key:${kid}`),
  };
}
