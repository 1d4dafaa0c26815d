import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { z } from "zod";
import type { DatabaseConfig } from "@/lib/db/config";

const secretsSchema = z.object({ authSecret: z.string().min(32), masterKey: z.string().min(43) });
export type LocalSecrets = z.infer<typeof secretsSchema>;

/**
 * The console's cookie-signing secret (AUTH_SECRET) and the master key that
 * encrypts private keys and upstream credentials (MANDATE_MASTER_KEY).
 * Production sets both in the environment. The embedded default generates
 * them on first start and keeps them beside the database file (mode 0600),
 * so `npm start` needs no configuration; a shared PostgreSQL deployment must
 * configure them, or instances would disagree.
 */
export function ensureSecrets(config: DatabaseConfig, env: NodeJS.ProcessEnv = process.env): void {
  if (env.AUTH_SECRET && env.MANDATE_MASTER_KEY) return;
  if (config.provider === "postgresql") {
    throw new Error(
      "AUTH_SECRET and MANDATE_MASTER_KEY must be set when running on PostgreSQL (generate each with `openssl rand -base64 32`)",
    );
  }
  const file = join(dirname(config.file), "secrets.json");
  let secrets: LocalSecrets;
  if (existsSync(file)) {
    secrets = secretsSchema.parse(JSON.parse(readFileSync(file, "utf8")));
  } else {
    secrets = { authSecret: randomBytes(32).toString("base64url"), masterKey: randomBytes(32).toString("base64url") };
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  env.AUTH_SECRET ??= secrets.authSecret;
  env.MANDATE_MASTER_KEY ??= secrets.masterKey;
}
