import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient } from "./generated/sqlite/client";
import { PrismaClient as PostgresClient } from "./generated/postgresql/client";
import { resolveDatabaseConfig, type DatabaseConfig } from "./config";
import { preparePrivateDatabaseFile } from "./private-file";
import { attachReadPool } from "./read-pool";
import { boundedPoolConfig } from "./store-timeouts";
import { attachSqliteWriter, gatedSqliteFactory } from "./sqlite-writer";

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
    preparePrivateDatabaseFile(config.file);
    const adapter = gatedSqliteFactory(config.file);
    const db = new SqliteClient({ adapter });
    attachReadPool(db, config);
    attachSqliteWriter(db, adapter, config.file);
    configs.set(db, config);
    return db;
  }
  const adapter = new PrismaPg(
    { ...boundedPoolConfig(config.url), max: Number(process.env.DATABASE_POOL_SIZE ?? 10) },
    {
      // A connection the server ends while idle (restart, failover, admin shutdown) is dropped by the pool: say so
      // once, rather than leave it to whatever handler the process happens to have for uncaught errors.
      onPoolError: (e) => console.error("mandate: database connection lost:", e.message),
      onConnectionError: (e) => console.error("mandate: database connection lost during a transaction:", e.message),
    },
  );
  const db = new PostgresClient({ adapter }) as unknown as Db;
  attachReadPool(db, config);
  configs.set(db, config);
  return db;
}

// On globalThis like the client (below): Next's bundles load their own copy of this module.
const configs = ((globalThis as unknown as { __mandateDbConfigs?: WeakMap<object, DatabaseConfig> }).__mandateDbConfigs ??= new WeakMap<object, DatabaseConfig>());

/** Where a root client connects (for code that opens driver connections beside it); null for a transaction's client. */
export function databaseConfigOf(db: Db | Tx): DatabaseConfig | null {
  return configs.get(db) ?? null;
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
