import type Database from "better-sqlite3";
import { AUDIT_EVENT_COLUMN_LIST, AUDIT_EVENT_COLUMN_NAMES, sqliteAuditValues, type AuditEventValues } from "./columns";
import type { AuditHead } from "./prisma";

/**
 * Audit appends on the embedded store's driver connection, synchronously,
 * inside a writer transaction of lib/db/sqlite-writer.ts (BEGIN IMMEDIATE,
 * taken in turn with Prisma's transactions). For the writers that append in
 * volume — token mints, the gateway's tool calls: an ORM interactive
 * transaction awaits between statements and holds the one connection (and
 * every other query behind it) for all of that time; here the batch runs
 * start to finish in one go.
 */
interface Statements {
  head: Database.Statement;
  insert: Database.Statement;
}

const prepared = new WeakMap<Database.Database, Statements>();

function statements(conn: Database.Database): Statements {
  let st = prepared.get(conn);
  if (!st) {
    const s = (sql: string) => conn.prepare(sql).safeIntegers(false);
    st = {
      head: s(`SELECT "seq", "hash" FROM "AuditEvent" WHERE "stream" = ? ORDER BY "seq" DESC LIMIT 1`),
      insert: s(
        `INSERT INTO "AuditEvent" (${AUDIT_EVENT_COLUMN_LIST}) VALUES (${AUDIT_EVENT_COLUMN_NAMES.map(() => "?").join(", ")})`,
      ),
    };
    prepared.set(conn, st);
  }
  return st;
}

/** The head of one stream's chain (its last event), or null for an empty stream. */
export function sqliteAuditHead(conn: Database.Database, stream: string): AuditHead {
  return (statements(conn).head.get(stream) as { seq: number; hash: string } | undefined) ?? null;
}

/** Inserts one event already chained. */
export function insertSqliteAuditRow(conn: Database.Database, e: AuditEventValues): void {
  statements(conn).insert.run(sqliteAuditValues(e));
}
