import type Database from "better-sqlite3";
import { auditActionSchema, streamOf } from "./actions";
import { chainAuditEvent, type AuditInput, type RecordedAuditEvent } from "./record";

/**
 * Audit appends on the embedded store's driver connection, synchronously,
 * inside a writer transaction of lib/db/sqlite-writer.ts (BEGIN IMMEDIATE,
 * taken in turn with Prisma's transactions). For the writers that append in
 * volume — token mints, the gateway's tool calls: an ORM interactive
 * transaction awaits between statements and holds the one connection (and
 * every other query behind it) for all of that time; here the batch runs
 * start to finish in one go.
 *
 * Same chain as recordAudit and recordAuditBatch (chainAuditEvent makes every
 * event), so verifyAuditChain cannot tell them apart.
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
        `INSERT INTO "AuditEvent" ("id", "occurredAt", "stream", "seq", "actorType", "actorId", "actorLabel", "onBehalfOfId", "action", "targetType", "targetId", "targetLabel", "decision", "reason", "sessionId", "requestId", "clientAddress", "detail", "prevHash", "hash") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
    };
    prepared.set(conn, st);
  }
  return st;
}

/** The head of one stream's chain (its last event), or null for an empty stream. */
export function sqliteAuditHead(conn: Database.Database, stream: string): { seq: number; hash: string } | null {
  return (statements(conn).head.get(stream) as { seq: number; hash: string } | undefined) ?? null;
}

/** Inserts one event already chained (dates as integer ms, the store's timestamp format; detail as JSON text). */
export function insertSqliteAuditRow(conn: Database.Database, e: RecordedAuditEvent): void {
  statements(conn).insert.run(
    e.id, e.occurredAt.getTime(), e.stream, e.seq, e.actorType, e.actorId, e.actorLabel, e.onBehalfOfId, e.action, e.targetType, e.targetId,
    e.targetLabel, e.decision, e.reason, e.sessionId, e.requestId, e.clientAddress, e.detail === null ? null : JSON.stringify(e.detail), e.prevHash, e.hash,
  );
}

/** Appends events in the order given, chained per stream after each stream's head. Call inside a writer transaction. */
export function appendSqliteAuditBatch(conn: Database.Database, inputs: readonly AuditInput[]): RecordedAuditEvent[] {
  const heads = new Map<string, { seq: number; hash: string } | null>();
  return inputs.map((input) => {
    const stream = streamOf(auditActionSchema.parse(input.action));
    const head = heads.has(stream) ? heads.get(stream)! : sqliteAuditHead(conn, stream);
    const row = chainAuditEvent(input, head);
    insertSqliteAuditRow(conn, row);
    heads.set(stream, row);
    return row;
  });
}
