import pg from "pg";
import { boundedPoolConfig } from "./store-timeouts";

/**
 * A small node-postgres pool of its own for a writer that bypasses the ORM
 * (token mints, the gateway's tool-call audit), and its transaction.
 */
export interface PgWriter {
  /** Runs `work` inside BEGIN … COMMIT on one connection; rolls back and rethrows when it throws. */
  transaction<T>(
    work: (client: pg.PoolClient, opened: pg.QueryResult[]) => Promise<T>,
    opts?: TransactionOptions,
  ): Promise<T>;
  /** One statement on its own (atomic by itself: no BEGIN or COMMIT round trip). */
  query<R extends pg.QueryResultRow>(statement: pg.QueryConfig): Promise<pg.QueryResult<R>>;
}

export interface TransactionOptions {
  /**
   * Statements without parameters run right after BEGIN in its round trip (one simple-protocol query);
   * `work` receives their results. Each takes its own snapshot, as separate queries would.
   */
  openWith?: string;
}

export function pgWriter(url: string, connections: number): PgWriter {
  const pool = new pg.Pool({
    ...boundedPoolConfig(url),
    max: connections,
    idleTimeoutMillis: 5_000,
    allowExitOnIdle: true,
  });
  // An idle connection the server ended (restart, test teardown): the pool drops it, the next write opens another.
  pool.on("error", () => {});
  return {
    query: (statement) => pool.query(statement),
    async transaction(work, opts) {
      const client = await pool.connect();
      let broken = false;
      // Checked out, a client has no pool listener: an error between its queries (the server ending the connection)
      // would be thrown as uncaught. Here it only marks the connection broken; the running query fails by itself.
      const lost = () => (broken = true);
      client.on("error", lost);
      try {
        // One simple-protocol query: `openWith` costs no round trip of its own.
        const sent = await client.query(opts?.openWith ? `BEGIN; ${opts.openWith}` : "BEGIN");
        const result = await work(client, Array.isArray(sent) ? (sent as pg.QueryResult[]).slice(1) : []);
        await client.query("COMMIT");
        return result;
      } catch (e) {
        // A connection that cannot even roll back is discarded rather than returned to the pool.
        await client.query("ROLLBACK").catch(() => (broken = true));
        throw e;
      } finally {
        client.off("error", lost);
        client.release(broken);
      }
    },
  };
}
