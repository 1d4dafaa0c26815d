import type pg from "pg";
import { pgTransactionLockSql } from "@/lib/db/stores/transaction-lock";
import { AUDIT_EVENT_COLUMN_LIST, pgAuditRowsParameter, pgAuditRowsSelect, type AuditEventValues } from "./columns";
import type { AuditHead } from "./prisma";

/**
 * Audit appends on a node-postgres connection, inside the caller's
 * transaction: per stream the advisory lock every appender takes and one read
 * of the chain's head (both in BEGIN's round trip), then one multi-row insert.
 * For the writers that append in volume — token mints, the gateway's tool
 * calls — where the ORM's raw queries cost several times the driver's CPU per
 * event.
 */

/**
 * `INSERT … SELECT` of chained events passed as one JSON document of rows
 * (`parameter`, from pgAuditRowsParameter), with `join` and `where` spliced in
 * after it — how a caller joins a lock or guards the insert in the same
 * statement.
 */
export function pgAuditInsertSql(opts: { parameter?: string; join?: string; where?: string } = {}): string {
  return `
INSERT INTO "AuditEvent" (${AUDIT_EVENT_COLUMN_LIST})
${pgAuditRowsSelect(opts.parameter ?? "$1")}${opts.join ? ` ${opts.join}` : ""}${opts.where ? `\nWHERE ${opts.where}` : ""}`;
}

/** The parameter pgAuditInsertSql reads. */
export const pgAuditInsertParameter = pgAuditRowsParameter;

const INSERT_AUDIT = pgAuditInsertSql();

/**
 * The statements that take streams' append locks (in a fixed order, so two
 * writers never deadlock) and then read each one's head — sent in the same
 * round trip as BEGIN (PgWriter's `openWith`), which saves a writer two round
 * trips per stream on every transaction. Each statement reads with a snapshot
 * of its own, so a head is read only once its lock is held.
 */
export function lockAuditStreams(streams: Iterable<string>): {
  sql: string;
  heads(opened: readonly pg.QueryResult[]): Map<string, AuditHead>;
} {
  const ordered = [...new Set(streams)].sort();
  for (const stream of ordered) {
    // Stream names come from streamOf(); checked because they are written into the SQL text.
    if (!/^[a-z_]+$/.test(stream)) throw new Error(`not an audit stream: ${stream}`);
  }
  const sql = ordered
    .map(
      (stream) =>
        `${pgTransactionLockSql(`audit:${stream}`)}; SELECT "seq", "hash" FROM "AuditEvent" WHERE "stream" = '${stream}' ORDER BY "seq" DESC LIMIT 1`,
    )
    .join("; ");
  return {
    sql,
    heads(opened) {
      if (opened.length !== ordered.length * 2)
        throw new Error(`expected ${ordered.length * 2} results from the stream locks, got ${opened.length}`);
      return new Map(
        ordered.map((stream, i) => [stream, (opened[i * 2 + 1]!.rows[0] as AuditHead | undefined) ?? null]),
      );
    },
  };
}

/** Inserts events already chained, in one statement (named: PostgreSQL parses and plans it once per connection). */
export async function insertPostgresAuditRows(
  client: pg.ClientBase,
  events: readonly AuditEventValues[],
): Promise<void> {
  if (events.length === 0) return;
  await client.query({ name: "mandate-audit-insert", text: INSERT_AUDIT, values: [pgAuditRowsParameter(events)] });
}
