import Database from "better-sqlite3";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import type { IsolationLevel, SqlDriverAdapter, SqlDriverAdapterFactory, Transaction } from "@prisma/driver-adapter-utils";

/**
 * Prisma's SQLite connection, shared with code that writes through the driver
 * directly (group commit of token mints). Two writer connections in one
 * process would fight over SQLite's single write lock: a Prisma transaction
 * that read before another connection committed fails with SQLITE_BUSY on
 * its first write, and better-sqlite3's busy wait blocks the event loop the
 * other writer needs to finish. So there is one connection, and a gate that
 * a driver-level transaction takes the way Prisma's interactive transactions
 * do: never while one of them is open on the connection.
 */
export interface SqliteWriter {
  /** Runs `work` synchronously inside BEGIN IMMEDIATE … COMMIT, between Prisma's transactions. */
  transaction<T>(work: (conn: Database.Database) => T): Promise<T>;
}

/** A FIFO mutex: Prisma's transactions and ours queue on it in arrival order. */
class Gate {
  private tail: Promise<void> = Promise.resolve();
  acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((r) => (release = r));
    const ready = this.tail.then(() => release);
    this.tail = this.tail.then(() => next);
    return ready;
  }
}

class GatedSqliteFactory implements SqlDriverAdapterFactory {
  readonly provider = "sqlite" as const;
  readonly adapterName: string;
  readonly gate = new Gate();
  private connection: Database.Database | null = null;

  constructor(private readonly inner: PrismaBetterSqlite3) {
    this.adapterName = inner.adapterName;
  }

  async connect(): Promise<SqlDriverAdapter> {
    const adapter = await this.inner.connect();
    const conn = (adapter as unknown as { client?: unknown }).client;
    if (!(conn instanceof Database)) throw new Error("unexpected SQLite adapter shape: no better-sqlite3 client");
    // WAL: readers (the read pool) never wait for the writer, and a commit is one append.
    conn.pragma("journal_mode = WAL");
    this.connection = conn;
    const start = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel?: IsolationLevel): Promise<Transaction> => {
      const release = await this.gate.acquire();
      let tx: Transaction;
      try {
        tx = await start(isolationLevel);
      } catch (e) {
        release();
        throw e;
      }
      const commit = tx.commit.bind(tx);
      const rollback = tx.rollback.bind(tx);
      tx.commit = () => commit().finally(release);
      tx.rollback = () => rollback().finally(release);
      return tx;
    };
    return adapter;
  }

  /** The connection, once Prisma has opened it. */
  async open(connectPrisma: () => Promise<void>): Promise<Database.Database> {
    if (!this.connection) await connectPrisma();
    if (!this.connection) throw new Error("SQLite connection not open");
    return this.connection;
  }
}

export function gatedSqliteFactory(file: string): GatedSqliteFactory {
  return new GatedSqliteFactory(
    new PrismaBetterSqlite3(
      { url: file, timeout: 5000 },
      // Integer timestamps: compact indexes and cheap range scans at millions of rows.
      { timestampFormat: "unixepoch-ms" },
    ),
  );
}

const writers = new WeakMap<object, SqliteWriter>();

export function attachSqliteWriter(client: { $connect(): Promise<void> }, factory: GatedSqliteFactory): void {
  writers.set(client, {
    async transaction(work) {
      const conn = await factory.open(() => client.$connect());
      const release = await factory.gate.acquire();
      try {
        return conn.transaction(work).immediate(conn);
      } finally {
        release();
      }
    },
  });
}

/** The driver-level writer of a root SQLite client; null on PostgreSQL or for a transaction's client. */
export function sqliteWriterOf(client: object): SqliteWriter | null {
  return writers.get(client) ?? null;
}
