import { createHash, randomBytes } from "node:crypto";

/**
 * Client secrets are 32 random bytes, shown once and stored as their sha256.
 * A slow password hash would add nothing against guessing a 256-bit secret
 * and would slow every token request; sha256 keeps a leaked table useless.
 */
export function generateClientSecret(): { secret: string; hash: string } {
  const secret = randomBytes(32).toString("base64url");
  return { secret, hash: hashClientSecret(secret) };
}

export function hashClientSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}
