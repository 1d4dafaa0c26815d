import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { DiffTarget } from "@prisma/schema-engine-wasm/schema_engine_bg";
import { schemaFor } from "../../scripts/db/generate.mjs";
import { describeDatabase, type DatabaseConfig } from "./config";
import { databaseName, databaseUrl, messageOf, withClient } from "./migrations/adapters";
import { withEngine, type ConnectionTarget } from "./migrations/engine";
import {
  migrationTimestamp,
  migrationsDir,
  readMigrations,
  readSchema,
  schemaPath,
  writeLockfile,
  type Provider,
} from "./migrations/files";

/**
 * Mandate's migrations, run on Prisma's wasm schema engine (the 7.x CLI needs
 * a native engine it cannot download offline). The bookkeeping table is
 * Prisma's own `_prisma_migrations`, so the official CLI reads the same state.
 */

const NO_FILTERS = { externalTables: [], externalEnums: [] };
// Session-level lock serialising migrators of one PostgreSQL database. Distinct
// from the key Prisma's engine uses internally, so the two never wait on each other.
const MIGRATE_LOCK_KEY = 7_260_110_000;

export interface MigrateOptions {
  log?: (line: string) => void;
}

/** Applies pending migrations; idempotent, so the app calls it on every boot. */
export async function migrateDatabase(
  config: DatabaseConfig,
  opts: MigrateOptions = {},
): Promise<{ applied: string[] }> {
  const log = opts.log ?? (() => {});
  const schema = await readSchema(config.provider);
  const apply = () =>
    withEngine(target(config), schema, async (engine) => {
      const migrationsList = await readMigrations(config.provider);
      const out = await engine.applyMigrations({ migrationsList, filters: NO_FILTERS });
      return { applied: out.appliedMigrationNames };
    });

  const started = Date.now();
  let result: { applied: string[] };
  if (config.provider === "sqlite") {
    result = await apply(); // the engine creates the file (and its directory, see adapters.ts)
  } else {
    if (await ensurePostgresDatabase(config.url)) log(`Created database ${databaseName(config.url)}`);
    result = await withClient(config.url, async (lock) => {
      await lock.query("SELECT pg_advisory_lock($1)", [MIGRATE_LOCK_KEY]);
      try {
        return await apply();
      } finally {
        await lock.query("SELECT pg_advisory_unlock($1)", [MIGRATE_LOCK_KEY]);
      }
    });
  }
  for (const name of result.applied) log(`Applied ${name}`);
  log(`${describeDatabase(config)} is up to date (${result.applied.length} applied, ${Date.now() - started} ms)`);
  return result;
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
  failed: string[];
  /** Applied, but migration.sql changed since (checksum mismatch). */
  edited: string[];
  /** Recorded in the database but absent from the migrations folder. */
  unknown: string[];
  upToDate: boolean;
}

/** Compares the database's history with the migrations folder; never creates or changes anything. */
export async function migrationStatus(config: DatabaseConfig): Promise<MigrationStatus> {
  const migrationsList = await readMigrations(config.provider);
  const local = migrationsList.migrationDirectories.map((d) => d.path);
  const allPending = (): MigrationStatus =>
    status({ applied: [], pending: local, failed: [], edited: [], unknown: [] });

  // Without a database (or, on SQLite, a history table: P1014) nothing is applied yet.
  const exists = config.provider === "sqlite" ? existsSync(config.file) : await postgresDatabaseExists(config.url);
  if (!exists) return allPending();
  return withEngine(target(config), await readSchema(config.provider), async (engine) => {
    const d = await engine
      .diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: NO_FILTERS })
      .catch((e: unknown) => {
        if (/P1014|_prisma_migrations/.test(messageOf(e))) return null;
        throw e;
      });
    if (!d || !d.hasMigrationsTable) return allPending();
    const h = d.history;
    const pending = h && h.diagnostic !== "migrationsDirectoryIsBehind" ? h.unappliedMigrationNames : [];
    const unknown = h && h.diagnostic !== "databaseIsBehind" ? h.unpersistedMigrationNames : [];
    const failed = d.failedMigrationNames;
    const applied = local.filter((n) => !pending.includes(n) && !failed.includes(n));
    return status({ applied, pending, failed, edited: d.editedMigrationNames, unknown });
  });
}

function status(s: Omit<MigrationStatus, "upToDate">): MigrationStatus {
  return { ...s, upToDate: !s.pending.length && !s.failed.length && !s.edited.length && !s.unknown.length };
}

export interface DriftOptions {
  /** Schema source to compare against instead of the one built from prisma/models.prisma. */
  schema?: string;
  /** Migrations folder to replay instead of prisma/<provider>/migrations. */
  migrationsDir?: string;
  /** PostgreSQL server to host the temporary shadow database (see shadowServerUrl). */
  serverUrl?: string;
}

export interface DriftReport {
  inSync: boolean;
  /** SQL the migrations lack to reach the schema ("" when in sync). */
  script: string;
  /** prisma/<provider>/schema.prisma differs from what prisma/models.prisma generates. */
  staleSchema: boolean;
}

/** Replays the migrations on a throwaway database and diffs the result with the models. */
export async function checkDrift(provider: Provider, opts: DriftOptions = {}): Promise<DriftReport> {
  const current = await readSchema(provider);
  const staleSchema = opts.schema === undefined && current.content !== schemaFor(provider);
  const script = await missingSql(provider, opts);
  return { inSync: !script && !staleSchema, script, staleSchema };
}

/**
 * Writes prisma/<provider>/migrations/<timestamp>_<name>/migration.sql with
 * what the models add to the migrations; null when nothing changed.
 */
export async function createMigration(
  provider: Provider,
  name: string,
  opts: DriftOptions & { date?: Date } = {},
): Promise<{ path: string | null }> {
  const slug = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_|_$/g, "");
  if (!slug) throw new Error(`Invalid migration name "${name}"`);
  const script = await missingSql(provider, opts);
  if (!script) return { path: null };
  const dir = opts.migrationsDir ?? migrationsDir(provider);
  const folder = join(dir, `${migrationTimestamp(opts.date)}_${slug}`);
  await mkdir(folder, { recursive: true });
  const path = join(folder, "migration.sql");
  await writeFile(path, script);
  await writeLockfile(provider, dir);
  return { path };
}

/**
 * diff(migrations → schema). Computed as a diff rather than with the engine's
 * createMigration, which cannot reach a shadow database without a prior
 * devDiagnostic on the same engine.
 */
async function missingSql(provider: Provider, opts: DriftOptions): Promise<string> {
  const schema = { path: schemaPath(provider), content: opts.schema ?? schemaFor(provider) };
  const shadowHost: ConnectionTarget =
    provider === "sqlite" ? { provider, file: ":memory:" } : { provider, url: opts.serverUrl ?? shadowServerUrl() };
  return withEngine(shadowHost, schema, async (engine) => {
    const from: DiffTarget = { tag: "migrations", ...(await readMigrations(provider, opts.migrationsDir)) };
    const out = await engine.diff({
      from,
      to: { tag: "schemaDatamodel", files: [schema] },
      script: true,
      exitCode: true,
      filters: NO_FILTERS,
    });
    return out.exitCode === 2 ? (out.stdout ?? "") : "";
  });
}

/**
 * Drift on PostgreSQL needs a server to create a shadow database on:
 * SHADOW_DATABASE_URL, else DATABASE_URL when it is PostgreSQL, else a local server.
 */
export function shadowServerUrl(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = [env.SHADOW_DATABASE_URL, env.DATABASE_URL].map((u) => u?.trim());
  return candidates.find((u) => u && /^postgres(ql)?:\/\//i.test(u)) ?? "postgresql://postgres@127.0.0.1:5432/postgres";
}

function target(config: DatabaseConfig): ConnectionTarget {
  return config.provider === "sqlite"
    ? { provider: "sqlite", file: config.file }
    : { provider: "postgresql", url: config.url };
}

async function postgresDatabaseExists(url: string): Promise<boolean> {
  try {
    await withClient(url, async () => {});
    return true;
  } catch (e) {
    if (pgCode(e) === "3D000") return false; // invalid_catalog_name
    throw e;
  }
}

/** Creates the database named in `url` when missing; true when it did. */
async function ensurePostgresDatabase(url: string): Promise<boolean> {
  if (await postgresDatabaseExists(url)) return false;
  const name = databaseName(url);
  try {
    await withClient(databaseUrl(url, "postgres"), (c) => c.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`));
    return true;
  } catch (e) {
    // Another process won the race: duplicate_database, or the catalog's unique index.
    if (pgCode(e) === "42P04" || pgCode(e) === "23505") return false;
    throw e;
  }
}

function pgCode(e: unknown): string | undefined {
  return typeof e === "object" && e !== null && "code" in e && typeof e.code === "string" ? e.code : undefined;
}
