import { providerOf, type Db } from "@/lib/db/client";
import { placeholders, rawDate, rawInt, rawNullableInt, rawNullableString, rawString } from "@/lib/db/raw-values";
import { readPoolOf } from "@/lib/db/read-pool";

/**
 * The token endpoint's reads, each one indexed row, through the driver's
 * read-only path (lib/db/read-pool.ts) rather than the ORM: a Prisma query
 * costs more CPU than the rest of a mint. Rows are read on every request —
 * nothing here is cached — so a suspended agent, an ended assignment or a
 * revoked session counts from the very next request, on every instance.
 */
export async function readRows(db: Db, sql: string, params: readonly unknown[]): Promise<Record<string, unknown>[]> {
  const [text, values] = placeholders(providerOf(db), sql, params);
  const pool = readPoolOf(db);
  return pool ? pool.query(text, values) : db.$queryRawUnsafe<Record<string, unknown>[]>(text, ...values);
}

/** A JSON column: TEXT on SQLite, jsonb (already parsed) on PostgreSQL. */
export function rawJson(v: unknown): unknown {
  return typeof v === "string" ? (JSON.parse(v) as unknown) : (v ?? null);
}


export function rawBool(v: unknown): boolean {
  return v === true || v === 1 || v === 1n || v === "t" || v === "true";
}

export { rawDate, rawInt, rawNullableInt, rawNullableString, rawString };
