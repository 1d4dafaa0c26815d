import type Database from "better-sqlite3";
import type { AuditInput } from "@/lib/audit/record";
import { chainAuditBatch } from "@/lib/audit/record-batch";
import { insertSqliteAuditRow, sqliteAuditHead } from "@/lib/db/stores/audit/sqlite";
import type { Db } from "@/lib/db/client";
import { databaseConfigOf } from "@/lib/db/read-pool";
import { sqliteJob } from "@/lib/db/sqlite-write-thread";
import { sqliteWriterOf } from "@/lib/db/sqlite-writer";
import { postgresToolCallStore } from "./call-audit-store-postgres";

/** Calls and the latest use, per session, in one batch of tool-call events. */
export type SessionUsage = ReadonlyMap<string, { calls: number; lastUsedAt: Date }>;

/** Where the gateway's tool-call events go: one batch and its session counters, in one transaction. */
export interface ToolCallStore {
  write(inputs: readonly AuditInput[], usage: SessionUsage): Promise<void>;
}

const usageStatements = new WeakMap<Database.Database, Database.Statement>();

/** A session's tool-call count and last use (lastUsedAt only moves forward), on the embedded store's connection. */
function sessionUsageStatement(conn: Database.Database): Database.Statement {
  let st = usageStatements.get(conn);
  if (!st) {
    st = conn.prepare(`UPDATE "AgentSession" SET "toolCallCount" = "toolCallCount" + ?, "lastUsedAt" = MAX(COALESCE("lastUsedAt", 0), ?) WHERE "id" = ?`);
    usageStatements.set(conn, st);
  }
  return st;
}

/** The embedded store's job: one batch of tool-call events and its session counters, run on the write thread. */
export function writeToolCallBatch(conn: Database.Database, batch: { inputs: readonly AuditInput[]; usage: SessionUsage }): void {
  for (const row of chainAuditBatch(batch.inputs, (stream) => sqliteAuditHead(conn, stream))) insertSqliteAuditRow(conn, row);
  const touch = sessionUsageStatement(conn);
  for (const [id, u] of batch.usage) touch.run(u.calls, u.lastUsedAt.getTime(), id);
}

export const writeToolCallBatchJob = sqliteJob<{ inputs: readonly AuditInput[]; usage: SessionUsage }, void>(import.meta.url, "writeToolCallBatch");

/**
 * The store `db` was opened on, written through its driver: the ORM's
 * interactive transactions cost several times the CPU per event, which a busy gateway
 * takes from the token endpoint in the same process, and on SQLite they hold
 * the one connection across awaits while mints wait behind them.
 */
export function toolCallStoreFor(db: Db): ToolCallStore {
  const sqlite = sqliteWriterOf(db);
  if (sqlite) {
    return {
      // One driver transaction on the write thread: the batch runs start to finish, and its commit off the gateway's thread.
      write: (inputs, usage) => sqlite.run(writeToolCallBatchJob, { inputs, usage }),
    };
  }
  const config = databaseConfigOf(db);
  if (config?.provider !== "postgresql") throw new Error("the gateway's audit writer needs a client opened by createDb (lib/db/client.ts)");
  return postgresToolCallStore(config.url);
}
