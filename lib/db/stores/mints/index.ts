import { databaseConfigOf, type Db } from "@/lib/db/client";
import { sqliteWriterOf } from "@/lib/db/sqlite-writer";
import type { PendingWrite, WriteOutcome } from "@/lib/tokens/mint-batch";
import { postgresMintStore } from "./postgres";
import { sqliteMintStore } from "./sqlite";

/**
 * The token endpoint's group commit (lib/tokens/mint-writer.ts) writes each
 * batch — claims, sessions created or extended, issued tokens, audit events —
 * in one transaction through a store: one implementation per database, each
 * on its own driver connection (sqlite.ts, postgres.ts).
 */
export interface MintStore {
  write(items: readonly PendingWrite[]): Promise<WriteOutcome[]>;
}

/** The mint store of the database a root client was opened on (createDb). */
export function mintStoreFor(db: Db): MintStore {
  const config = databaseConfigOf(db);
  if (!config) throw new Error("mint writer needs a root database client");
  if (config.provider === "postgresql") return postgresMintStore(config.url);
  const sqlite = sqliteWriterOf(db);
  if (!sqlite) throw new Error("SQLite client without a shared writer connection");
  return sqliteMintStore(sqlite);
}
