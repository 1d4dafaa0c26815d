import Database from "better-sqlite3";
import pg from "pg";
import type { DatabaseConfig } from "./config";
import { pgTimestamp } from "./raw-values";

/**
 * Column types the bulk loader understands. `enum:<Name>` is a PostgreSQL enum
 * type created by the migrations (TEXT on SQLite).
 */
export type BulkColumnType = "text" | "int" | "bool" | "timestamp" | "json" | `enum:${string}`;
export type BulkColumns = Record<string, BulkColumnType>;
export type BulkRow = Record<string, unknown>;

/**
 * Loads rows far faster than one ORM call per row: for seeding, imports and
 * benchmarks with millions of rows. Writes go straight to the database on a
 * connection of its own, in batches of one transaction each; the caller
 * supplies every column (no ORM defaults run here).
 */
export interface BulkWriter {
  readonly provider: DatabaseConfig["provider"];
  insert(table: string, columns: BulkColumns, rows: readonly BulkRow[]): Promise<void>;
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

export async function openBulkWriter(config: DatabaseConfig): Promise<BulkWriter> {
  return config.provider === "sqlite" ? sqliteWriter(config.file) : postgresWriter(config.url);
}

function toSqlite(type: BulkColumnType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case "bool":
      return value ? 1 : 0;
    case "timestamp":
      // Matches the runtime client's `timestampFormat: "unixepoch-ms"`.
      return value instanceof Date ? value.getTime() : new Date(value as string).getTime();
    case "json":
      return JSON.stringify(value);
    default:
      return value;
  }
}

function sqliteWriter(file: string): BulkWriter {
  const conn = new Database(file);
  conn.pragma("journal_mode = WAL");
  conn.pragma("busy_timeout = 10000");
  conn.pragma("synchronous = NORMAL");
  const statements = new Map<string, Database.Statement>();
  return {
    provider: "sqlite",
    async insert(table, columns, rows) {
      const names = Object.keys(columns);
      const key = `${table}:${names.join(",")}`;
      let stmt = statements.get(key);
      if (!stmt) {
        stmt = conn.prepare(
          `INSERT INTO "${table}" (${names.map((n) => `"${n}"`).join(",")}) VALUES (${names.map(() => "?").join(",")})`,
        );
        statements.set(key, stmt);
      }
      const s = stmt;
      const types = names.map((n) => columns[n]!);
      conn.transaction(() => {
        for (const row of rows) s.run(names.map((n, i) => toSqlite(types[i]!, row[n])));
      })();
    },
    async exec(sql) {
      conn.exec(sql);
    },
    async close() {
      conn.close();
    },
  };
}

function pgArrayType(type: BulkColumnType): string {
  if (type.startsWith("enum:")) return `"${type.slice(5)}"[]`;
  switch (type) {
    case "int":
      return "int4[]";
    case "bool":
      return "bool[]";
    case "timestamp":
      return "timestamp(3)[]";
    case "json":
      return "jsonb[]";
    default:
      return "text[]";
  }
}

function toPostgres(type: BulkColumnType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (type === "json") return JSON.stringify(value);
  if (type === "timestamp") return value instanceof Date ? pgTimestamp(value) : value;
  return value;
}

async function postgresWriter(url: string): Promise<BulkWriter> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // Prisma's timestamp(3) columns hold UTC wall-clock time.
  await client.query("SET TIME ZONE 'UTC'");
  // Bulk loads are re-runnable: trading the last commit on power loss for speed is fine here.
  await client.query("SET synchronous_commit TO off");
  return {
    provider: "postgresql",
    async insert(table, columns, rows) {
      if (rows.length === 0) return;
      const names = Object.keys(columns);
      // One array parameter per column: any number of rows in one statement.
      const sql = `INSERT INTO "${table}" (${names.map((n) => `"${n}"`).join(",")}) SELECT * FROM unnest(${names
        .map((n, i) => `$${i + 1}::${pgArrayType(columns[n]!)}`)
        .join(",")})`;
      const params = names.map((n) => rows.map((r) => toPostgres(columns[n]!, r[n])));
      await client.query(sql, params);
    },
    async exec(sql) {
      await client.query(sql);
    },
    async close() {
      await client.end();
    },
  };
}
