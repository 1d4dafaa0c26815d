import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * Seals secrets at rest (signing keys' private halves, upstream credentials)
 * with AES-256-GCM under MANDATE_MASTER_KEY (32 bytes, base64url or base64).
 * The output names its format version so the scheme can change without
 * guessing: `v1.<iv>.<ciphertext>.<tag>`, each part base64url.
 */
const VERSION = "v1";

function masterKey(): Buffer {
  const encoded = process.env.MANDATE_MASTER_KEY;
  if (!encoded) throw new Error("MANDATE_MASTER_KEY is not set");
  // Node's base64url decoder also accepts the standard alphabet (`openssl rand -base64 32`).
  const key = Buffer.from(encoded.trim(), "base64url");
  if (key.length !== 32) throw new Error("MANDATE_MASTER_KEY must encode exactly 32 bytes");
  return key;
}

export function seal(plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", masterKey(), iv);
  const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64url"), ct.toString("base64url"), cipher.getAuthTag().toString("base64url")].join(".");
}

export function open(sealed: string): string {
  const [version, iv, ct, tag, ...rest] = sealed.split(".");
  if (version !== VERSION || iv === undefined || ct === undefined || tag === undefined || rest.length > 0) {
    throw new Error("not a sealed value of a known version");
  }
  const decipher = createDecipheriv("aes-256-gcm", masterKey(), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  // A wrong key or tampered data fails here (GCM authentication), never returns garbage.
  return Buffer.concat([decipher.update(Buffer.from(ct, "base64url")), decipher.final()]).toString("utf8");
}
