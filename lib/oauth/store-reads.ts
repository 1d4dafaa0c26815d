import { jsonColumnValue, rawDate, rawInt, rawNullableInt, rawNullableString, rawString } from "@/lib/db/raw-values";
import { readRows } from "@/lib/db/read-rows";

/*
 * The token endpoint's reads, each one indexed row, through readRows (the
 * driver's read-only path). Rows are read on every request — nothing here is
 * cached — so a suspended agent, an ended assignment or a revoked session
 * counts from the very next request, on every instance.
 */
export { readRows };

/** A JSON column: TEXT on SQLite, jsonb (already parsed) on PostgreSQL. */
export const rawJson = jsonColumnValue;


export function rawBool(v: unknown): boolean {
  return v === true || v === 1 || v === 1n || v === "t" || v === "true";
}

export { rawDate, rawInt, rawNullableInt, rawNullableString, rawString };
