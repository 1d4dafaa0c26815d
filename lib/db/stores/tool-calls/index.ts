import type { AuditInput } from "@/lib/audit/record";
import { databaseConfigOf, type Db } from "@/lib/db/client";
import { sqliteWriterOf } from "@/lib/db/sqlite-writer";
import { postgresToolCallStore } from "./postgres";
import { sqliteToolCallStore } from "./sqlite";

/** Calls and the latest use, per session, in one batch of tool-call events. */
export type SessionUsage = ReadonlyMap<string, { calls: number; lastUsedAt: Date }>;

/** Where the gateway's tool-call events go: one batch and its session counters, in one transaction. */
export interface ToolCallStore {
  write(inputs: readonly AuditInput[], usage: SessionUsage): Promise<void>;
}

/**
 * The store `db` was opened on, written through its driver: the ORM's
 * interactive transactions cost several times the CPU per event, which a busy gateway
 * takes from the token endpoint in the same process, and on SQLite they hold
 * the one connection across awaits while mints wait behind them.
 */
export function toolCallStoreFor(db: Db): ToolCallStore {
  const sqlite = sqliteWriterOf(db);
  if (sqlite) return sqliteToolCallStore(sqlite);
  const config = databaseConfigOf(db);
  if (config?.provider !== "postgresql")
    throw new Error("the gateway's audit writer needs a client opened by createDb (lib/db/client.ts)");
  return postgresToolCallStore(config.url);
}
