import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import type {
  IsolationLevel,
  SqlDriverAdapter,
  SqlDriverAdapterFactory,
  Transaction,
} from "@prisma/driver-adapter-utils";
import { SqliteWriteThread, type SqliteJob } from "./sqlite-write-thread";

/**
 * The embedded store's writes in volume (group commits of token mints, the
 * gateway's tool-call events) run as jobs on a write thread with its own
 * connection (lib/db/sqlite-write-thread.ts), beside Prisma's connection on
 * the server's thread. Two writer connections can fight over SQLite's single
 * write lock: a Prisma transaction that read before the other connection
 * committed fails with SQLITE_BUSY on its first write. So the two take turns
 * through a gate, the way Prisma's interactive transactions take turns among
 * themselves: a job never runs while one of them is open, and none opens
 * while a job runs. (A single Prisma statement outside a transaction does
 * not take the gate; it waits for the lock, at most one commit.)
 */
export interface SqliteWriter {
  /** Runs `job` on the write thread inside BEGIN IMMEDIATE … COMMIT, between Prisma's transactions. */
  run<P, R>(job: SqliteJob<P, R>, payload: P): Promise<R>;
  /** Starts the write thread and loads these jobs' modules ahead of their first use. */
  preload(jobs: readonly SqliteJob<never, unknown>[]): Promise<void>;
  /** Stops the write thread (the client's $disconnect does). */
  close(): Promise<void>;
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

/**
 * Prisma's adapter for better-sqlite3, behind the gate: every method is the
 * adapter's own, through the driver-adapter interface Prisma's client calls
 * (@prisma/driver-adapter-utils), except that a transaction first takes its
 * turn at the gate and gives it back when it commits or rolls back.
 */
class GatedSqliteFactory implements SqlDriverAdapterFactory {
  readonly provider = "sqlite" as const;
  readonly adapterName: string;
  readonly gate = new Gate();

  constructor(private readonly inner: PrismaBetterSqlite3) {
    this.adapterName = inner.adapterName;
  }

  async connect(): Promise<SqlDriverAdapter> {
    const adapter = await this.inner.connect();
    // WAL: readers (the read pool) never wait for the writer, and a commit is one append.
    await adapter.executeScript("PRAGMA journal_mode = WAL");
    const gate = this.gate;
    const gated: SqlDriverAdapter = {
      provider: adapter.provider,
      adapterName: adapter.adapterName,
      queryRaw: (query) => adapter.queryRaw(query),
      executeRaw: (query) => adapter.executeRaw(query),
      executeScript: (script) => adapter.executeScript(script),
      dispose: () => adapter.dispose(),
      async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
        const release = await gate.acquire();
        let tx: Transaction;
        try {
          tx = await adapter.startTransaction(isolationLevel);
        } catch (e) {
          release();
          throw e;
        }
        return turnTaking(tx, release);
      },
    };
    if (adapter.getConnectionInfo) gated.getConnectionInfo = () => adapter.getConnectionInfo!();
    return gated;
  }
}

/** `tx` with its turn at the gate given back (once) when it commits or rolls back. */
function turnTaking(tx: Transaction, release: () => void): Transaction {
  const wrapped: Transaction = {
    provider: tx.provider,
    adapterName: tx.adapterName,
    options: tx.options,
    queryRaw: (query) => tx.queryRaw(query),
    executeRaw: (query) => tx.executeRaw(query),
    commit: () => tx.commit().finally(release),
    rollback: () => tx.rollback().finally(release),
  };
  if (tx.createSavepoint) wrapped.createSavepoint = (name) => tx.createSavepoint!(name);
  if (tx.rollbackToSavepoint) wrapped.rollbackToSavepoint = (name) => tx.rollbackToSavepoint!(name);
  if (tx.releaseSavepoint) wrapped.releaseSavepoint = (name) => tx.releaseSavepoint!(name);
  return wrapped;
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

// On globalThis like the client (lib/db/client.ts): a console action that mints (a revocation drill's canary) runs in
// Next's copy of this module and must reach the write thread server/main.ts's client opened.
const writers = ((
  globalThis as unknown as { __mandateSqliteWriters?: WeakMap<object, SqliteWriter> }
).__mandateSqliteWriters ??= new WeakMap<object, SqliteWriter>());

export function attachSqliteWriter(
  client: { $disconnect(): Promise<void> },
  factory: GatedSqliteFactory,
  file: string,
): void {
  const thread = new SqliteWriteThread(file);
  const writer: SqliteWriter = {
    async run(job, payload) {
      const release = await factory.gate.acquire();
      try {
        return await thread.run(job, payload);
      } finally {
        release();
      }
    },
    preload: (jobs) => thread.preload(jobs),
    close: () => thread.close(),
  };
  writers.set(client, writer);
  const disconnect = client.$disconnect.bind(client);
  client.$disconnect = async () => {
    await writer.close();
    await disconnect();
  };
}

/** The driver-level writer of a root SQLite client; null on PostgreSQL or for a transaction's client. */
export function sqliteWriterOf(client: object): SqliteWriter | null {
  return writers.get(client) ?? null;
}
