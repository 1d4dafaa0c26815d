import pg from "pg";

/**
 * How long the server waits for PostgreSQL. Without bounds a database that
 * stops answering (frozen, partitioned, overloaded) holds every request that
 * touches it, with no answer at all; with them such a request fails, and is
 * answered 503 with Retry-After (store-unavailable.ts).
 */
export interface StoreTimeouts {
  /** Opening a connection (TCP, TLS, startup and authentication). */
  connectMs: number;
  /**
   * One statement, enforced by the server (`statement_timeout`: it stops the
   * work, lock waits included) and, a moment later, by the client (a frozen
   * server enforces nothing). 0 = no limit (bulk scripts).
   */
  statementMs: number;
}

/** The client's own deadline runs this much past the server's, so a server that is answering reports its own timeout. */
const CLIENT_GRACE_MS = 1000;

export function storeTimeouts(env: NodeJS.ProcessEnv = process.env): StoreTimeouts {
  const num = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === "") return fallback;
    const v = Number(raw);
    return Number.isFinite(v) && v >= 0 ? v : fallback;
  };
  return {
    connectMs: num("MANDATE_DB_CONNECT_TIMEOUT_MS", 2000) || 2000,
    statementMs: num("MANDATE_DB_STATEMENT_TIMEOUT_MS", 10_000),
  };
}

const READ_TIMEOUT = "Query read timeout";

/**
 * node-postgres's client, except that a query the server never answered
 * (its read timeout) takes its connection down with it: pg leaves the
 * connection waiting for that answer, and a pool would hand it out again to
 * queue every later query behind it. Destroyed, the pool discards it and the
 * next query opens a fresh one. And its errors never go unheard (below).
 */
class BoundedClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    // The server may end a connection between two queries of a checked-out client (57P01 on a fast stop, a
    // failover): nobody listens then — the pool listens only while the client is idle, a borrower only during its
    // queries — and an 'error' event without a listener is thrown as an uncaught exception, which ends the process.
    // The connection is unusable either way (pg marks it so) and the pool discards it when it is released.
    this.on("error", () => {});
  }
}
const baseQuery = pg.Client.prototype.query;
BoundedClient.prototype.query = function query(this: pg.Client, ...args: unknown[]): unknown {
  const drop = (e: unknown) => {
    if (e instanceof Error && e.message === READ_TIMEOUT)
      (this as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
  };
  const last = args.at(-1);
  if (typeof last === "function") {
    args[args.length - 1] = (err: unknown, res: unknown) => {
      if (err) drop(err);
      (last as (e: unknown, r: unknown) => void)(err, res);
    };
    return (baseQuery as (...a: unknown[]) => unknown).apply(this, args);
  }
  const out = (baseQuery as (...a: unknown[]) => unknown).apply(this, args);
  if (out instanceof Promise) out.catch(drop);
  return out;
} as typeof baseQuery;

/** Pool settings for every PostgreSQL pool that serves requests: bounded connect and statements, TCP keep-alive. */
export function boundedPoolConfig(url: string, t: StoreTimeouts = storeTimeouts()): pg.PoolConfig {
  return {
    connectionString: url,
    connectionTimeoutMillis: t.connectMs,
    ...(t.statementMs > 0 ? { statement_timeout: t.statementMs, query_timeout: t.statementMs + CLIENT_GRACE_MS } : {}),
    keepAlive: true,
    Client: BoundedClient,
  };
}

/** The same bounds for a dedicated client (the revocation listener): connect only, it waits for notifications by design. */
export function boundedClientConfig(url: string, t: StoreTimeouts = storeTimeouts()): pg.ClientConfig {
  return { connectionString: url, connectionTimeoutMillis: t.connectMs, keepAlive: true };
}
