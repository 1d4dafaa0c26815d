import pg from "pg";

/**
 * A small node-postgres pool of its own for a writer that bypasses the ORM
 * (token mints, the gateway's tool-call audit), and its transaction.
 */
export interface PgWriter {
  /** Runs `work` inside BEGIN … COMMIT on one connection; rolls back and rethrows when it throws. */
  transaction<T>(work: (client: pg.PoolClient, opened: pg.QueryResult[]) => Promise<T>, opts?: TransactionOptions): Promise<T>;
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
  const pool = new pg.Pool({ connectionString: url, max: connections, idleTimeoutMillis: 5_000, allowExitOnIdle: true });
  // A dropped connection (database restart, test teardown) must not crash the process: the next write fails instead.
  pool.on("error", () => {});
  return {
    query: (statement) => pool.query(statement),
    async transaction(work, opts) {
      const client = await pool.connect();
      let broken = false;
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
        client.release(broken);
      }
    },
  };
}
