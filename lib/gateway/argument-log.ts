import { createHmac, hkdfSync } from "node:crypto";
import { masterKey } from "@/lib/crypto/secret-box";
import { canonicalJson } from "@/lib/servers/canonical-json";

/**
 * What the audit trail keeps of a tool call's arguments, per the server's
 * `argumentLogging`: nothing (default — arguments can hold personal data),
 * an HMAC-SHA-256 of their canonical JSON (to match a known call without
 * keeping it), or their shape with every value replaced.
 */
export function loggedArguments(
  mode: "none" | "hash" | "redacted",
  args: Record<string, unknown> | undefined,
  key: () => Buffer = argumentHashKey,
): Record<string, unknown> {
  if (mode === "none" || args === undefined) return {};
  if (mode === "hash")
    return { argumentsHmacSha256: createHmac("sha256", key()).update(canonicalJson(args)).digest("hex") };
  return { arguments: redact(args) };
}

let derived: { from: string; key: Buffer } | undefined;

/**
 * The argument-hashing key: derived (HKDF, RFC 5869) from the master key that
 * is kept with the other secrets (MANDATE_MASTER_KEY, or data/secrets.json),
 * so it is the same on every instance and every event — a digest still
 * matches the same arguments elsewhere in the trail — but, unlike a plain
 * sha256, a short argument cannot be recovered by hashing guesses without
 * the key. A new master key starts a new series of digests.
 */
export function argumentHashKey(env: Record<string, string | undefined> = process.env): Buffer {
  const from = env.MANDATE_MASTER_KEY ?? "";
  if (derived?.from !== from)
    derived = {
      from,
      key: Buffer.from(hkdfSync("sha256", masterKey(env), Buffer.alloc(0), "mandate audit argument hmac v1", 32)),
    };
  return derived.key;
}

function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v)]));
  return "[redacted]";
}
