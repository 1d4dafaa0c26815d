import { createHash } from "node:crypto";
import { canonicalJson } from "@/lib/servers/canonical-json";

/**
 * What the audit trail keeps of a tool call's arguments, per the server's
 * `argumentLogging`: nothing (default — arguments can hold personal data),
 * a sha256 of their canonical JSON (to match a known call without keeping
 * it), or their shape with every value replaced.
 */
export function loggedArguments(mode: "none" | "hash" | "redacted", args: Record<string, unknown> | undefined): Record<string, unknown> {
  if (mode === "none" || args === undefined) return {};
  if (mode === "hash") return { argumentsSha256: createHash("sha256").update(canonicalJson(args)).digest("hex") };
  return { arguments: redact(args) };
}

function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v)]));
  return "[redacted]";
}
