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
 * case-insensitive search) lives in lib/db/stores and asks `providerOf(db)`.
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
    rememberTransactionProviders(db, config.provider);
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
  rememberTransactionProviders(db, config.provider);
  return db;
}

// On globalThis like the client (below): Next's bundles load their own copy of this module.
const configs = ((
  globalThis as unknown as { __mandateDbConfigs?: WeakMap<object, DatabaseConfig> }
).__mandateDbConfigs ??= new WeakMap<object, DatabaseConfig>());

/** Where a root client connects (for code that opens driver connections beside it); null for a transaction's client. */
export function databaseConfigOf(db: Db | Tx): DatabaseConfig | null {
  return configs.get(db) ?? null;
}

// The provider of each interactive transaction's client, known from its root client's config (below).
const transactionProviders = ((
  globalThis as unknown as { __mandateTxProviders?: WeakMap<object, DatabaseConfig["provider"]> }
).__mandateTxProviders ??= new WeakMap<object, DatabaseConfig["provider"]>());

/**
 * Makes every interactive transaction of `db` known by its provider: the
 * client's `$transaction` (its public method, as `$disconnect` is wrapped in
 * sqlite-writer.ts) records the transaction's client before handing it to the
 * callback. Prisma's own `_activeProvider` would say the same, but it is not
 * part of its API.
 */
function rememberTransactionProviders(db: Db, provider: DatabaseConfig["provider"]): void {
  const transaction = db.$transaction.bind(db) as (arg: unknown, options?: unknown) => Promise<unknown>;
  const wrapped = (arg: unknown, options?: unknown) =>
    typeof arg === "function"
      ? transaction((tx: object) => {
          transactionProviders.set(tx, provider);
          return (arg as (tx: object) => unknown)(tx);
        }, options)
      : transaction(arg, options);
  (db as unknown as { $transaction: typeof wrapped }).$transaction = wrapped;
}

/** Works on a client and on an interactive transaction's client alike (both from createDb). */
export function providerOf(db: Db | Tx): DatabaseConfig["provider"] {
  const provider = configs.get(db)?.provider ?? transactionProviders.get(db);
  if (!provider) throw new Error("database client not opened by createDb (lib/db/client.ts): its provider is unknown");
  return provider;
}

// One client per process: Next's dev server re-evaluates modules, so the
// handle lives on globalThis rather than in module scope.
const holder = globalThis as unknown as { __mandateDb?: Db };

export function getDb(): Db {
  holder.__mandateDb ??= createDb();
  return holder.__mandateDb;
}
