import { randomBytes } from "node:crypto";
import pg from "pg";
import { preparePrivateDatabaseFile } from "../private-file";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type {
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  Transaction,
} from "@prisma/driver-adapter-utils";

/**
 * Driver-adapter factories for the wasm schema engine, with the defects of the
 * 7.10 adapters worked around (see docs in /work/shared/notes/prisma-offline.md):
 * - the engine never disposes the connections it opens, so every adapter handed
 *   out is tracked and `close()` disposes whatever is still open;
 * - SQLite: the engine replays multi-statement migrations through executeRaw,
 *   which better-sqlite3 rejects; such calls fall back to executeScript;
 * - PostgreSQL: catalog columns of type "char" (oid 18) make adapter-pg throw,
 *   so they are reported as text; and `connectToShadowDb()` would silently
 *   reuse the MAIN database for a connection string, so shadow databases are
 *   created (and force-dropped) here.
 */
export interface MigrationConnection {
  factory: SqlMigrationAwareDriverAdapterFactory;
  close(): Promise<void>;
}

/** A target for the engine: a real database, or only a server to host shadow databases. */
export type ConnectionTarget = { provider: "sqlite"; file: string } | { provider: "postgresql"; url: string };

export function openConnection(target: ConnectionTarget): MigrationConnection {
  const open = new Set<SqlDriverAdapter>();
  const track = (adapter: SqlDriverAdapter): SqlDriverAdapter => {
    const tracked = delegate(adapter, { dispose: once(() => (open.delete(tracked), adapter.dispose())) });
    open.add(tracked);
    return tracked;
  };
  const factory = target.provider === "sqlite" ? sqliteFactory(target.file, track) : postgresFactory(target.url, track);
  return {
    factory,
    async close() {
      const errors: unknown[] = [];
      for (const adapter of [...open]) await adapter.dispose().catch((e: unknown) => errors.push(e));
      if (errors.length) throw errors[0];
    },
  };
}

type Track = (adapter: SqlDriverAdapter) => SqlDriverAdapter;

function sqliteFactory(file: string, track: Track): SqlMigrationAwareDriverAdapterFactory {
  preparePrivateDatabaseFile(file);
  // Same timestamp encoding as the runtime client (lib/db/client.ts).
  const options = { timestampFormat: "unixepoch-ms" } as const;
  const main = new PrismaBetterSqlite3({ url: file, timeout: 5000 }, options);
  const shadow = new PrismaBetterSqlite3({ url: ":memory:" }, options);
  const fix = (a: SqlDriverAdapter) =>
    track(
      delegate(a, {
        async executeRaw(query) {
          try {
            return await a.executeRaw(query);
          } catch (e) {
            if (query.args.length > 0 || !/more than one statement/i.test(messageOf(e))) throw e;
            await a.executeScript(query.sql);
            return 0;
          }
        },
      }),
    );
  return {
    provider: "sqlite",
    adapterName: main.adapterName,
    connect: async () => fix(await main.connect()),
    connectToShadowDb: async () => fix(await shadow.connect()),
  };
}

function postgresFactory(url: string, track: Track): SqlMigrationAwareDriverAdapterFactory {
  const main = new PrismaPg({ connectionString: url, max: 2 });
  return {
    provider: "postgres",
    adapterName: main.adapterName,
    connect: async () => track(wholeScripts(charAsText(await main.connect()))),
    async connectToShadowDb() {
      const name = `mandate_shadow_${randomBytes(6).toString("hex")}`;
      await withClient(url, (c) => c.query(`CREATE DATABASE "${name}"`));
      const adapter = wholeScripts(
        charAsText(await new PrismaPg({ connectionString: databaseUrl(url, name), max: 2 }).connect()),
      );
      return track(
        delegate(adapter, {
          // The pool must be closed before the drop; FORCE ends anything left over.
          dispose: () =>
            adapter
              .dispose()
              .finally(() => withClient(url, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))),
        }),
      );
    },
  };
}

/** `url` with its database (path) replaced, keeping credentials and parameters. */
export function databaseUrl(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

export function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!name) throw new Error("PostgreSQL URL names no database");
  return name;
}

export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

// adapter-pg maps column types in a private `performIO`; rewriting oid 18
// ("char", used by pg_catalog) to 25 (text) there is the narrowest fix.
// Pinned adapter version: fail loudly if the internals move.
type PgIO = { performIO(query: SqlQuery): Promise<{ fields: { dataTypeID: number }[] }> };

function charAsText<T extends SqlDriverAdapter | Transaction>(queryable: T): T {
  const io = queryable as unknown as Partial<PgIO>;
  const original = io.performIO;
  if (typeof original !== "function") throw new Error("@prisma/adapter-pg changed: performIO not found");
  io.performIO = async (query) => {
    const result = await original.call(queryable, query);
    for (const field of result.fields) if (field.dataTypeID === 18) field.dataTypeID = 25;
    return result;
  };
  if ("startTransaction" in queryable) {
    const start = queryable.startTransaction.bind(queryable);
    queryable.startTransaction = async (level) => charAsText(await start(level));
  }
  return queryable;
}

// adapter-pg's executeScript splits a migration on every ";", which breaks
// any statement holding one (a plpgsql function body, a string literal).
// PostgreSQL's simple query protocol runs a whole script in one round trip,
// as one implicit transaction: send it unsplit.
function wholeScripts(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const pool = (adapter as unknown as { client?: pg.Pool }).client;
  if (!pool || typeof pool.query !== "function") throw new Error("@prisma/adapter-pg changed: client pool not found");
  adapter.executeScript = async (script) => {
    await pool.query(script);
  };
  return adapter;
}

function delegate(a: SqlDriverAdapter, overrides: Partial<SqlDriverAdapter>): SqlDriverAdapter {
  return {
    provider: a.provider,
    adapterName: a.adapterName,
    queryRaw: (q) => a.queryRaw(q),
    executeRaw: (q) => a.executeRaw(q),
    executeScript: (s) => a.executeScript(s),
    startTransaction: (l) => a.startTransaction(l),
    dispose: () => a.dispose(),
    ...(a.getConnectionInfo ? { getConnectionInfo: () => a.getConnectionInfo!() } : {}),
    ...overrides,
  };
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}

export function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === "object" && e !== null && "message" in e && typeof e.message === "string") return e.message;
  return String(e);
}
