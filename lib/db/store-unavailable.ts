/**
 * Whether an error means the store did not answer — refused, dropped or
 * timed-out connections, a server shutting down, statements cut by their
 * timeout, a pool with no connection to give, SQLite's write lock held past
 * its busy timeout — rather than a defect or a refusal of the request.
 * Those are answered 503 with `Retry-After` (the request may succeed once the
 * store is back, and nothing was decided), never 500.
 *
 * The errors arrive from several layers (node-postgres, Prisma's driver
 * adapter and engine, better-sqlite3), each wrapping the one below, so the
 * whole `cause` chain is examined.
 */
export function isStoreUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  for (let e: unknown = err; e && typeof e === "object" && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    if (e instanceof StoreUnavailable) return true;
    const { code, kind, originalCode, message } = e as {
      code?: unknown;
      kind?: unknown;
      originalCode?: unknown;
      message?: unknown;
    };
    if (typeof code === "string" && (UNAVAILABLE_CODES.has(code) || code.startsWith("08"))) return true;
    if (typeof originalCode === "string" && (UNAVAILABLE_CODES.has(originalCode) || originalCode.startsWith("08")))
      return true;
    if (typeof kind === "string" && UNAVAILABLE_KINDS.has(kind)) return true;
    if (typeof message === "string" && UNAVAILABLE_MESSAGES.some((m) => message.includes(m))) return true;
  }
  return false;
}

/** Thrown where code knows the store is unreachable (e.g. a bounded wait that ran out). */
export class StoreUnavailable extends Error {
  constructor(message = "the database is not answering", options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StoreUnavailable";
  }
}

/** Seconds a client is asked to wait before retrying a request refused for an unavailable store. */
export const STORE_RETRY_AFTER_SECONDS = 1;

const UNAVAILABLE_CODES = new Set([
  // sockets
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  // PostgreSQL (class 08 connection exceptions are matched by prefix)
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now (starting up, shutting down, recovery)
  "57014", // query_canceled: statement_timeout
  "53300", // too_many_connections
  "55P03", // lock_not_available
  // Prisma: cannot reach the server, timed out, server closed the connection, no connection from the pool in time
  "P1001",
  "P1002",
  "P1008",
  "P1017",
  "P2024",
  // SQLite: the write lock held past the busy timeout
  "SQLITE_BUSY",
  "SQLITE_BUSY_SNAPSHOT",
  "SQLITE_BUSY_TIMEOUT",
  "SQLITE_LOCKED",
]);

/** Prisma driver adapters' error kinds for the same conditions. */
const UNAVAILABLE_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);

/** node-postgres and Prisma report some of these only in words. */
const UNAVAILABLE_MESSAGES = [
  "timeout exceeded when trying to connect",
  "Query read timeout",
  "Connection terminated",
  "Client has encountered a connection error and is not queryable",
  "Connection is closed",
  "Unable to start a transaction in the given time",
  "canceling statement due to statement timeout",
  "terminating connection due to administrator command",
  "the database system is shutting down",
  "the database system is starting up",
  "Can't reach database server",
  "Server has closed the connection",
  "database is locked",
];
