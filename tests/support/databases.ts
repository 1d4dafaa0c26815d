import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabaseConfig } from "@/lib/db/config";
import { migrateDatabase } from "@/lib/db/migrate";
import { databaseUrl, withClient } from "@/lib/db/migrations/adapters";

export type Provider = DatabaseConfig["provider"];
export const PROVIDERS: readonly Provider[] = ["sqlite", "postgresql"];

/**
 * Admin connection used to create and drop throwaway PostgreSQL databases.
 * Suites must fail, not skip, when it is unreachable: a silently skipped
 * PostgreSQL run hides exactly the bugs these suites exist for.
 */
export const testPostgresUrl = (): string =>
  process.env.TEST_POSTGRES_URL?.trim() || "postgresql://postgres@127.0.0.1:5432/postgres";

export interface FreshDatabase {
  config: DatabaseConfig;
  /** Removes the database (PostgreSQL: force-drops it, ending open connections). */
  drop(): Promise<void>;
}

/**
 * A new, isolated database for one suite: a temp SQLite file or a
 * `mandate_test_<random>` PostgreSQL database, migrated to the current schema
 * unless `migrate: false` (then SQLite has no file yet and PostgreSQL an empty database).
 */
export async function freshDatabase(provider: Provider, opts: { migrate?: boolean } = {}): Promise<FreshDatabase> {
  const db = provider === "sqlite" ? await sqliteDatabase() : await postgresDatabase();
  if (opts.migrate !== false) {
    try {
      await migrateDatabase(db.config);
    } catch (e) {
      await db.drop();
      throw e;
    }
  }
  return db;
}

async function sqliteDatabase(): Promise<FreshDatabase> {
  const dir = await mkdtemp(join(tmpdir(), "mandate-test-"));
  return {
    config: { provider: "sqlite", file: join(dir, "mandate.db") },
    drop: () => rm(dir, { recursive: true, force: true }),
  };
}

async function postgresDatabase(): Promise<FreshDatabase> {
  const admin = testPostgresUrl();
  const name = `mandate_test_${randomBytes(6).toString("hex")}`;
  await withClient(admin, (c) => c.query(`CREATE DATABASE "${name}"`));
  return {
    config: { provider: "postgresql", url: databaseUrl(admin, name) },
    drop: async () => {
      await withClient(admin, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
