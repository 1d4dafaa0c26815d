import { createHash } from "node:crypto";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseConfig } from "@/lib/db/config";
import { checkDrift, createMigration, migrateDatabase, migrationStatus } from "@/lib/db/migrate";
import { withClient } from "@/lib/db/migrations/adapters";
import { migrationsDir, readMigrations, readSchema } from "@/lib/db/migrations/files";
import { freshDatabase, PROVIDERS, testPostgresUrl, type FreshDatabase } from "../support/databases";

// A model change that the committed migrations do not contain.
const withDriftProbe = (schema: string) => `${schema}\nmodel DriftProbe {\n  id    String @id\n  label String\n}\n`;

/** The rows a read-only query returns, on either store. */
async function queryRows<Row>(config: DatabaseConfig, sql: string): Promise<Row[]> {
  if (config.provider === "sqlite") {
    const db = new Database(config.file, { readonly: true });
    try {
      return db.prepare(sql).all() as Row[];
    } finally {
      db.close();
    }
  }
  return withClient(config.url, async (c) => (await c.query(sql)).rows as Row[]);
}

async function recordedMigrations(config: DatabaseConfig): Promise<{ name: string; checksum: string }[]> {
  const sql = `SELECT migration_name AS name, checksum FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name`;
  return queryRows<{ name: string; checksum: string }>(config, sql);
}

describe.each(PROVIDERS)("migrations on %s", (provider) => {
  let local: string[];
  const serverUrl = testPostgresUrl();
  // Awaited inside each test rather than in the hook, so an unreachable
  // PostgreSQL fails every test instead of leaving them skipped.
  let setup: Promise<FreshDatabase>;

  beforeAll(async () => {
    setup = freshDatabase(provider, { migrate: false });
    setup.catch(() => {});
    local = (await readMigrations(provider)).migrationDirectories.map((d) => d.path);
  });
  afterAll(async () => (await setup.catch(() => null))?.drop());

  it("has committed migrations", () => {
    expect(local.length).toBeGreaterThan(0);
    expect(local[0]).toMatch(/^\d{14}_init$/);
  });

  it("reports everything pending before the first migrate", async () => {
    const db = await setup;
    const status = await migrationStatus(db.config);
    expect(status).toMatchObject({ applied: [], pending: local, failed: [], upToDate: false });
  });

  it("applies all migrations to an empty database, recording Prisma-compatible checksums", async () => {
    const db = await setup;
    expect(await migrateDatabase(db.config)).toEqual({ applied: local });
    const recorded = await recordedMigrations(db.config);
    const expected = await Promise.all(
      local.map(async (name) => ({
        name,
        checksum: createHash("sha256")
          .update(await readFile(join(migrationsDir(provider), name, "migration.sql")))
          .digest("hex"),
      })),
    );
    expect(recorded).toEqual(expected);
  });

  it("is then up to date, and a second migrate applies nothing", async () => {
    const db = await setup;
    expect(await migrationStatus(db.config)).toMatchObject({ applied: local, pending: [], failed: [], upToDate: true });
    expect(await migrateDatabase(db.config)).toEqual({ applied: [] });
  });

  // SQLite redefines a table to alter it (DROP TABLE + RENAME), which silently drops its triggers; Prisma's drift
  // check does not compare triggers. Every trigger a migration creates and none drops must exist after migrating.
  it("keeps every trigger its migrations create", async () => {
    const db = await setup;
    await migrateDatabase(db.config);
    const created = new Set<string>();
    for (const name of local) {
      const sql = await readFile(join(migrationsDir(provider), name, "migration.sql"), "utf8");
      for (const m of sql.matchAll(/CREATE\s+(?:OR\s+REPLACE\s+)?TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?"?(\w+)"?/gi))
        if (m[1]) created.add(m[1]);
      for (const m of sql.matchAll(/DROP\s+TRIGGER\s+(?:IF\s+EXISTS\s+)?"?(\w+)"?/gi)) if (m[1]) created.delete(m[1]);
    }
    expect(created.size).toBeGreaterThan(0);
    const sql =
      db.config.provider === "sqlite"
        ? `SELECT name FROM sqlite_master WHERE type = 'trigger'`
        : `SELECT DISTINCT tgname AS name FROM pg_trigger WHERE NOT tgisinternal`;
    const present = new Set((await queryRows<{ name: string }>(db.config, sql)).map((r) => r.name));
    expect([...created].filter((name) => !present.has(name))).toEqual([]);
  });

  it("finds the committed migrations in sync with the models", async () => {
    expect(await checkDrift(provider, { serverUrl })).toEqual({ inSync: true, script: "", staleSchema: false });
  });

  describe("when a model changes", () => {
    let dir: string;
    let schema: string;
    beforeAll(async () => {
      // Work on a copy: the real migrations folder must stay untouched.
      dir = await mkdtemp(join(tmpdir(), "mandate-migrations-"));
      await cp(migrationsDir(provider), dir, { recursive: true });
      schema = withDriftProbe((await readSchema(provider)).content);
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it("reports drift with the missing SQL", async () => {
      const report = await checkDrift(provider, { schema, migrationsDir: dir, serverUrl });
      expect(report.inSync).toBe(false);
      expect(report.script).toMatch(/CREATE TABLE "DriftProbe"/);
    });

    it("creates a migration that closes the drift, and none when nothing changed", async () => {
      const date = new Date(Date.UTC(2100, 0, 2, 3, 4, 5));
      const { path } = await createMigration(provider, "Add drift probe", {
        schema,
        migrationsDir: dir,
        serverUrl,
        date,
      });
      expect(path).toBe(join(dir, "21000102030405_add_drift_probe", "migration.sql"));
      expect(await readFile(path!, "utf8")).toMatch(/CREATE TABLE "DriftProbe"/);
      expect(await readFile(join(dir, "migration_lock.toml"), "utf8")).toContain(`provider = "${provider}"`);
      expect(await checkDrift(provider, { schema, migrationsDir: dir, serverUrl })).toMatchObject({
        inSync: true,
        script: "",
      });
      expect(await createMigration(provider, "again", { schema, migrationsDir: dir, serverUrl })).toEqual({
        path: null,
      });
    });
  });
});

describe("status on SQLite", () => {
  it("reports all pending on a fresh empty file", async () => {
    const db = await freshDatabase("sqlite", { migrate: false });
    try {
      if (db.config.provider !== "sqlite") throw new Error("unreachable");
      await writeFile(db.config.file, "");
      const local = (await readMigrations("sqlite")).migrationDirectories.map((d) => d.path);
      expect(await migrationStatus(db.config)).toMatchObject({ applied: [], pending: local, upToDate: false });
    } finally {
      await db.drop();
    }
  });
});

describe("migrate on PostgreSQL", () => {
  it("creates a missing database, and concurrent migrators apply each migration once", async () => {
    const db = await freshDatabase("postgresql", { migrate: false });
    try {
      await db.drop(); // start from no database at all
      const results = await Promise.all([
        migrateDatabase(db.config),
        migrateDatabase(db.config),
        migrateDatabase(db.config),
      ]);
      const local = (await readMigrations("postgresql")).migrationDirectories.map((d) => d.path);
      expect(results.flatMap((r) => r.applied).sort()).toEqual(local);
      expect((await recordedMigrations(db.config)).map((m) => m.name)).toEqual(local);
    } finally {
      await db.drop();
    }
  });
});
