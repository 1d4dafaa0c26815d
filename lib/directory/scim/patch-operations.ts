import { invalidPath, invalidSyntax, invalidValue, ScimError } from "./scim-error";
import { SCHEMA_PATCH } from "./scim-schemas";
import { isRecord, pick } from "./scim-values";

export interface PatchOperation {
  op: "add" | "replace" | "remove";
  /** As sent (case kept: filters inside it carry values). */
  path: string | null;
  value: unknown;
}

/** Most operations one PATCH may carry: Entra and Okta send a handful; thousands are a mistake. */
const MAX_OPERATIONS = 1000;

/** Reads a PatchOp message (RFC 7644 §3.5.2). `op` is case-insensitive: Entra sends "Replace", "Add". */
export function parsePatchOperations(body: unknown): PatchOperation[] {
  if (!isRecord(body)) throw invalidSyntax("the body must be a JSON object");
  const schemas = pick(body, "schemas");
  if (!Array.isArray(schemas) || !schemas.includes(SCHEMA_PATCH))
    throw invalidSyntax(`schemas must include ${SCHEMA_PATCH}`);
  const ops = pick(body, "Operations");
  if (!Array.isArray(ops) || ops.length === 0) throw invalidSyntax("Operations must be a non-empty array");
  if (ops.length > MAX_OPERATIONS) throw invalidSyntax(`at most ${MAX_OPERATIONS} operations per request`);
  return ops.map((raw, i) => {
    if (!isRecord(raw)) throw invalidSyntax(`operation ${i} must be an object`);
    const op = String(pick(raw, "op") ?? "").toLowerCase();
    if (op !== "add" && op !== "replace" && op !== "remove")
      throw invalidSyntax(`operation ${i}: op must be add, replace or remove`);
    const path = pick(raw, "path");
    if (path !== undefined && path !== null && (typeof path !== "string" || path.trim() === ""))
      throw invalidPath(`operation ${i}: path must be a string`);
    const value = pick(raw, "value");
    if (op !== "remove" && value === undefined) throw invalidValue(`operation ${i}: ${op} needs a value`);
    if (!path && op === "remove") throw new ScimError(400, `operation ${i}: remove needs a path`, "noTarget");
    if (!path && op !== "remove" && !isRecord(value))
      throw invalidValue(`operation ${i}: without a path, value must be an object`);
    return { op, path: typeof path === "string" ? path.trim() : null, value };
  });
}

/** A path without its schema URN prefix (core or extension), lower-cased for matching. */
export function normalizedPath(path: string, schemas: readonly string[]): string {
  const lower = path.toLowerCase();
  for (const s of schemas) {
    const ls = s.toLowerCase();
    if (lower === ls) return "";
    if (lower.startsWith(`${ls}:`)) return lower.slice(ls.length + 1);
  }
  return lower;
}
