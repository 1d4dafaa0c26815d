import { existsSync, mkdirSync } from "node:fs";
import Database from "better-sqlite3";
import { dirname } from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient } from "./generated/sqlite/client";
import { PrismaClient as PostgresClient } from "./generated/postgresql/client";
import { resolveDatabaseConfig, type DatabaseConfig } from "./config";
import { attachReadPool } from "./read-pool";

/**
 * The domain's database handle. Both generated clients come from the same
 * models (prisma/models.prisma), so they expose the same API; the SQLite
 * client's type stands for both. Code that must differ per provider (raw SQL,
 * case-insensitive search) asks `providerOf(db)`.
 */
export type Db = SqliteClient;
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

export function createDb(config: DatabaseConfig = resolveDatabaseConfig()): Db {
  if (config.provider === "sqlite") {
    mkdirSync(dirname(config.file), { recursive: true });
    useWriteAheadLog(config.file);
    const adapter = new PrismaBetterSqlite3(
      { url: config.file, timeout: 5000 },
      // Integer timestamps: compact indexes and cheap range scans at millions of rows.
      { timestampFormat: "unixepoch-ms" },
    );
    const db = new SqliteClient({ adapter });
    attachReadPool(db, config);
    return db;
  }
  const adapter = new PrismaPg({ connectionString: config.url, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
  const db = new PostgresClient({ adapter }) as unknown as Db;
  attachReadPool(db, config);
  return db;
}

/**
 * Puts an existing SQLite file in WAL mode (persistent: once per file). In the
 * default rollback-journal mode every commit fsyncs the journal and the file
 * several times — measured here at 22 ms p50 and 237 ms p99 per commit —
 * and better-sqlite3 does that on the event loop, stalling every request
 * the process is serving (the gateway's audit batches, token mints). WAL
 * needs one fsync per commit (synchronous stays FULL: durability unchanged)
 * and lets readers (the read pool, other processes) run beside the writer.
 * A file not created yet is left alone: migrations create it.
 */
function useWriteAheadLog(file: string): void {
  if (!existsSync(file)) return;
  const conn = new Database(file, { timeout: 5000 });
  try {
    conn.pragma("journal_mode = WAL");
  } catch {
    // Busy (another process mid-write): the next start tries again; rollback journal still works.
  } finally {
    conn.close();
  }
}

/** Works on a client and on an interactive transaction's client alike. */
export function providerOf(db: Db | Tx): DatabaseConfig["provider"] {
  // Prisma exposes the active provider on both (typed on the runtime client only).
  const active = (db as unknown as { _activeProvider?: string })._activeProvider;
  if (active === "postgresql" || active === "sqlite") return active;
  throw new Error(`unknown database provider ${String(active)}`);
}

// One client per process: Next's dev server re-evaluates modules, so the
// handle lives on globalThis rather than in module scope.
const holder = globalThis as unknown as { __mandateDb?: Db };

export function getDb(): Db {
  holder.__mandateDb ??= createDb();
  return holder.__mandateDb;
}
