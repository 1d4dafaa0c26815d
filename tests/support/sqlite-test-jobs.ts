import type Database from "better-sqlite3";
import { sqliteJob } from "@/lib/db/sqlite-write-thread";

/**
 * Jobs for tests/db/sqlite-write-thread.test.ts. They run on the write thread,
 * which loads this module by its URL — which is why they live in a module of
 * their own rather than in the test file.
 */

/** Records used jti keys (SeenJti: a table with no foreign keys); returns how many rows the table holds after. */
export function insertKeys(conn: Database.Database, keys: readonly string[]): number {
  const insert = conn.prepare(`INSERT INTO "SeenJti" ("key", "expiresAt") VALUES (?, ?)`);
  for (const key of keys) insert.run(key, Date.now() + 60_000);
  return (conn.prepare(`SELECT COUNT(*) AS n FROM "SeenJti"`).get() as { n: number }).n;
}
export const insertKeysJob = sqliteJob<readonly string[], number>(import.meta.url, "insertKeys");

/** Writes its keys, then fails: the transaction must leave nothing behind. */
export function insertKeysThenFail(conn: Database.Database, keys: readonly string[]): never {
  insertKeys(conn, keys);
  throw new Error("refused after writing");
}
export const insertKeysThenFailJob = sqliteJob<readonly string[], never>(import.meta.url, "insertKeysThenFail");

/** Ends the write thread in the middle of a transaction, as a crash would. */
export function dieMidTransaction(conn: Database.Database, keys: readonly string[]): never {
  insertKeys(conn, keys);
  process.exit(3);
}
export const dieMidTransactionJob = sqliteJob<readonly string[], never>(import.meta.url, "dieMidTransaction");

export const missingJob = sqliteJob<null, null>(import.meta.url, "noSuchExport");
