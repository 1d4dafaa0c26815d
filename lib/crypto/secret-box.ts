import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * Authenticated encryption of small secrets at rest (upstream credentials,
 * private keys) under the instance's master key, AES-256-GCM.
 *
 * Sealed format: `v1.<iv>.<ciphertext>.<tag>`, each part base64url. The
 * version prefix lets a later format (a key id for rotation, another cipher)
 * be introduced while old values still open. A `context` string is bound as
 * additional authenticated data, so a value sealed for one record does not
 * open when copied into another.
 */

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretBoxError";
  }
}

/** The 32-byte master key from MANDATE_MASTER_KEY (base64url or base64), checked strictly: a short key must never be padded. */
export function masterKey(env: Record<string, string | undefined> = process.env): Buffer {
  const encoded = env.MANDATE_MASTER_KEY?.trim();
  if (!encoded) throw new SecretBoxError("MANDATE_MASTER_KEY is not set");
  // Either alphabet: `openssl rand -base64 32` is what operators will paste.
  if (!/^[A-Za-z0-9_+/-]+={0,2}$/.test(encoded))
    throw new SecretBoxError("MANDATE_MASTER_KEY must be base64url (or base64)");
  const key = Buffer.from(encoded, "base64url");
  if (key.length !== KEY_BYTES)
    throw new SecretBoxError(`MANDATE_MASTER_KEY must decode to ${KEY_BYTES} bytes, got ${key.length}`);
  return key;
}

export function seal(plaintext: string, context: string, key: Buffer = masterKey()): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(`${VERSION}:${context}`, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString("base64url"), ciphertext.toString("base64url"), tag.toString("base64url")].join(".");
}

/** Throws SecretBoxError when the value is malformed, was sealed under another key or context, or was altered. */
export function open(sealed: string, context: string, key: Buffer = masterKey()): string {
  const parts = sealed.split(".");
  if (parts.length !== 4) throw new SecretBoxError("not a sealed value");
  const [version, ivText, ciphertextText, tagText] = parts as [string, string, string, string];
  if (version !== VERSION) throw new SecretBoxError(`unknown sealed-value version ${version}`);
  const iv = Buffer.from(ivText, "base64url");
  const tag = Buffer.from(tagText, "base64url");
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SecretBoxError("not a sealed value");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(`${VERSION}:${context}`, "utf8"));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(ciphertextText, "base64url")), decipher.final()]).toString(
      "utf8",
    );
  } catch {
    // GCM reports every failure the same way; so do we, to leak nothing about which part was wrong.
    throw new SecretBoxError("the sealed value cannot be opened: wrong key or context, or it was altered");
  }
}
