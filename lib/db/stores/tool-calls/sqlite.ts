import type Database from "better-sqlite3";
import type { AuditInput } from "@/lib/audit/record";
import { chainAuditBatch } from "@/lib/audit/record-batch";
import { insertSqliteAuditRow, sqliteAuditHead } from "@/lib/db/stores/audit/sqlite";
import { sqliteJob } from "@/lib/db/sqlite-write-thread";
import type { SqliteWriter } from "@/lib/db/sqlite-writer";
import type { SessionUsage, ToolCallStore } from "./index";

const usageStatements = new WeakMap<Database.Database, Database.Statement>();

/** A session's tool-call count and last use (lastUsedAt only moves forward), on the embedded store's connection. */
function sessionUsageStatement(conn: Database.Database): Database.Statement {
  let st = usageStatements.get(conn);
  if (!st) {
    st = conn.prepare(
      `UPDATE "AgentSession" SET "toolCallCount" = "toolCallCount" + ?, "lastUsedAt" = MAX(COALESCE("lastUsedAt", 0), ?) WHERE "id" = ?`,
    );
    usageStatements.set(conn, st);
  }
  return st;
}

/** The embedded store's job: one batch of tool-call events and its session counters, run on the write thread. */
export function writeToolCallBatch(
  conn: Database.Database,
  batch: { inputs: readonly AuditInput[]; usage: SessionUsage },
): void {
  for (const row of chainAuditBatch(batch.inputs, (stream) => sqliteAuditHead(conn, stream)))
    insertSqliteAuditRow(conn, row);
  const touch = sessionUsageStatement(conn);
  for (const [id, u] of batch.usage) touch.run(u.calls, u.lastUsedAt.getTime(), id);
}

export const writeToolCallBatchJob = sqliteJob<{ inputs: readonly AuditInput[]; usage: SessionUsage }, void>(
  import.meta.url,
  "writeToolCallBatch",
);

/** The embedded store's tool-call batches: one driver transaction on the write thread, start to finish, its commit off the gateway's thread. */
export function sqliteToolCallStore(sqlite: SqliteWriter): ToolCallStore {
  return { write: (inputs, usage) => sqlite.run(writeToolCallBatchJob, { inputs, usage }) };
}
