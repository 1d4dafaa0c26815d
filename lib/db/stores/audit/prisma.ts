import { providerOf, type Db, type Tx } from "@/lib/db/client";
import { lockForTransaction } from "@/lib/db/stores/transaction-lock";
import {
  AUDIT_EVENT_COLUMN_LIST,
  AUDIT_EVENT_COLUMN_NAMES,
  pgAuditRowsParameter,
  pgAuditRowsSelect,
  sqliteAuditValues,
  type AuditEventValues,
} from "./columns";

/** The last event of a stream's chain. */
export type AuditHead = { seq: number; hash: string } | null;

/**
 * Audit appends inside a Prisma transaction (recordAudit, recordAuditBatch):
 * the stream's lock, its head, and the chained rows as one statement, with
 * the columns and their encoding from columns.ts like every other writer.
 */
export async function lockAuditStream(tx: Tx | Db, stream: string): Promise<void> {
  // The key recordAudit's, the batch writers' and the gateway's appends share (postgres.ts).
  await lockForTransaction(tx, `audit:${stream}`);
}

export async function auditHead(tx: Tx | Db, stream: string): Promise<AuditHead> {
  return tx.auditEvent.findFirst({ where: { stream }, orderBy: { seq: "desc" }, select: { seq: true, hash: true } });
}

/** SQLite allows 32,766 bound parameters per statement. */
const SQLITE_ROWS_PER_STATEMENT = Math.floor(32_000 / AUDIT_EVENT_COLUMN_NAMES.length);
const SQLITE_TUPLE = `(${AUDIT_EVENT_COLUMN_NAMES.map(() => "?").join(",")})`;
const PG_INSERT = `INSERT INTO "AuditEvent" (${AUDIT_EVENT_COLUMN_LIST}) ${pgAuditRowsSelect("$1")}`;

/** Inserts events already chained (chainAuditEvent), in order. */
export async function insertAuditRows(tx: Tx | Db, rows: readonly AuditEventValues[]): Promise<void> {
  if (rows.length === 0) return;
  if (providerOf(tx) === "postgresql") {
    await tx.$executeRawUnsafe(PG_INSERT, pgAuditRowsParameter(rows));
    return;
  }
  for (let i = 0; i < rows.length; i += SQLITE_ROWS_PER_STATEMENT) {
    const chunk = rows.slice(i, i + SQLITE_ROWS_PER_STATEMENT);
    const params = chunk.flatMap(sqliteAuditValues);
    await tx.$executeRawUnsafe(
      `INSERT INTO "AuditEvent" (${AUDIT_EVENT_COLUMN_LIST}) VALUES ${chunk.map(() => SQLITE_TUPLE).join(",")}`,
      ...params,
    );
  }
}
