import { createHash } from "node:crypto";
import Database from "better-sqlite3";
import pg from "pg";
import type { DatabaseConfig } from "./config";
import { pgTimestamp } from "./raw-values";
import { boundedPoolConfig } from "./store-timeouts";

/**
 * A second, read-only path to the store for hot queries that return many
 * rows (effective access: one row per granted tool). Prisma's raw queries
 * cost far more per row to decode than the drivers themselves.
 * Only committed state is read here — code inside a transaction must keep
 * using the transaction's client.
 */
export interface ReadPool {
  query(sql: string, params: readonly unknown[]): Promise<Record<string, unknown>[]>;
}

function sqlitePool(file: string): ReadPool {
  let conn: Database.Database | undefined;
  const statements = new Map<string, Database.Statement>();
  return {
    async query(sql, params) {
      // Opened lazily: the file may not exist until the first migration.
      conn ??= new Database(file, { readonly: true, fileMustExist: true });
      let stmt = statements.get(sql);
      if (!stmt) statements.set(sql, (stmt = conn.prepare(sql)));
      // Timestamps are stored as integer milliseconds (timestampFormat "unixepoch-ms").
      return stmt.all(params.map((p) => (p instanceof Date ? p.getTime() : p))) as Record<string, unknown>[];
    },
  };
}

const TIMESTAMP_OID = 1114;

const names = new Map<string, string>();

function statementName(sql: string): string {
  let name = names.get(sql);
  if (!name) {
    if (names.size > 1000) names.clear();
    names.set(sql, (name = `mandate-read-${createHash("sha1").update(sql).digest("hex").slice(0, 16)}`));
  }
  return name;
}

function postgresPool(url: string): ReadPool {
  let pool: pg.Pool | undefined;
  return {
    async query(sql, params) {
      if (!pool) {
        pool = new pg.Pool({
          ...boundedPoolConfig(url),
          max: 4,
          idleTimeoutMillis: 5_000,
          allowExitOnIdle: true,
          // Prisma's timestamp(3) columns hold UTC wall-clock time, whatever the process's zone.
          types: {
            getTypeParser: ((oid: number, format?: "text" | "binary") =>
              oid === TIMESTAMP_OID
                ? (v: string) => new Date(`${v.replace(" ", "T")}Z`)
                : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
          },
        });
        // An idle connection the server ended (restart, test teardown): the pool drops it, the next query opens another.
        pool.on("error", () => {});
      }
      const values = params.map((p) => (p instanceof Date ? pgTimestamp(p) : p));
      // Named, so each connection parses and plans a hot query once rather than on every call (the server's CPU is
      // the same cores'); the name is the text's hash, so one name never stands for two texts.
      return (await pool.query({ name: statementName(sql), text: sql, values })).rows as Record<string, unknown>[];
    },
  };
}

// On globalThis, like the client itself (lib/db/client.ts): server/main.ts creates the client, and Next's
// bundles load their own copy of this module, whose module-scoped map would not know that client.
const holder = globalThis as unknown as { __mandateReadPools?: WeakMap<object, ReadPool> };
const pools = (holder.__mandateReadPools ??= new WeakMap<object, ReadPool>());

export function attachReadPool(client: object, config: DatabaseConfig): void {
  pools.set(client, config.provider === "sqlite" ? sqlitePool(config.file) : postgresPool(config.url));
}

/** The read pool of a root client; null for a transaction's client (it must read its own writes). */
export function readPoolOf(client: object): ReadPool | null {
  return pools.get(client) ?? null;
}
