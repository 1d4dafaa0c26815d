import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type Database from "better-sqlite3";

/**
 * A synchronous function of a write connection and a structured-clonable
 * payload, run on the write thread inside BEGIN IMMEDIATE … COMMIT. It is
 * named by module and export, not passed as a closure: it runs in another
 * isolate, which loads that module itself.
 */
export interface SqliteJob<P, R> {
  readonly module: string;
  readonly name: string;
  /** Type-only: what the job takes and returns. */
  readonly __types?: (payload: P) => R;
}

export type SqliteJobFunction<P, R> = (conn: Database.Database, payload: P) => R;

/** Names `exportName` of the module at `moduleUrl` (its `import.meta.url`) as a job. */
export function sqliteJob<P, R>(moduleUrl: string, exportName: string): SqliteJob<P, R> {
  return { module: moduleUrl, name: exportName };
}

export interface JobRequest {
  id: number;
  module: string;
  name: string;
  payload: unknown;
  /** Only load the job's module (no transaction): warms the thread before the first request needs it. */
  preload?: boolean;
}

export type JobReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; message: string; code?: string };

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "../..");

/**
 * The worker's entry, evaluated as a script: the thread has no TypeScript
 * loader of its own (Node 20 does not apply `--import` in a worker's execArgv
 * before its main module), so it registers tsx's and loads the TypeScript
 * entry through it, with the project's tsconfig for the `@/` paths.
 */
function bootstrap(): string {
  const require = createRequire(join(root, "package.json"));
  const tsxApi = pathToFileURL(join(dirname(require.resolve("tsx/package.json")), "dist/esm/api/index.mjs")).href;
  const entry = pathToFileURL(join(here, "sqlite-write-worker.ts")).href;
  const tsconfig = join(root, "tsconfig.json");
  return `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register({ tsconfig: ${JSON.stringify(tsconfig)} }); return import(${JSON.stringify(entry)}); });`;
}

/**
 * The embedded store's write connection, on a thread of its own. A commit
 * with synchronous=FULL waits for the disk (fsync), and better-sqlite3 waits
 * synchronously: on the server's thread, every commit stalled every request
 * in flight — token requests and gateway calls alike — for the length of an
 * fsync. Here the server's thread only posts the batch and hears back after
 * the commit; it serves other requests meanwhile.
 *
 * Jobs run one at a time, in the order posted. If the thread dies, the jobs
 * it held fail (nothing of theirs was committed: a transaction is atomic)
 * and the next job starts a new thread.
 */
export class SqliteWriteThread {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
  private drained: (() => void) | null = null;

  constructor(private readonly file: string) {}

  run<P, R>(job: SqliteJob<P, R>, payload: P): Promise<R> {
    return this.post({ module: job.module, name: job.name, payload }) as Promise<R>;
  }

  /** Starts the thread and loads the jobs' modules, so that the first request after a start does not wait for them. */
  async preload(jobs: readonly SqliteJob<never, unknown>[]): Promise<void> {
    await Promise.all(
      jobs.map((job) => this.post({ module: job.module, name: job.name, payload: null, preload: true })),
    );
  }

  private post(message: Omit<JobRequest, "id">): Promise<unknown> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      // Referenced while it holds work, so the process waits for the commit; idle, it keeps nothing alive.
      if (this.pending.size === 0) worker.ref();
      this.pending.set(id, { resolve, reject });
      const request: JobRequest = { id, ...message };
      try {
        worker.postMessage(request);
      } catch (e) {
        this.pending.delete(id);
        reject(e);
      }
    });
  }

  /**
   * Lets the jobs already posted run and commit, then stops the thread (a job
   * posted later starts a new one). Terminating at once would abandon the
   * queued jobs — their transactions never run — while their callers wait.
   */
  async close(): Promise<void> {
    while (this.pending.size > 0) await new Promise<void>((r) => (this.drained = r));
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }

  private settled(): void {
    if (this.pending.size > 0) return;
    this.worker?.unref();
    this.drained?.();
    this.drained = null;
  }

  private start(): Worker {
    const worker = new Worker(bootstrap(), { eval: true, workerData: { file: this.file } });
    worker.unref();
    worker.on("message", (reply: JobReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      this.settled();
      if (reply.ok) waiting.resolve(reply.result);
      else waiting.reject(Object.assign(new Error(reply.message), reply.code ? { code: reply.code } : {}));
    });
    const fail = (e: unknown) => {
      if (this.worker === worker) this.worker = null;
      const error = e instanceof Error ? e : new Error(`SQLite write thread exited (${String(e)})`);
      for (const [, waiting] of this.pending) waiting.reject(error);
      this.pending.clear();
      this.settled();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`SQLite write thread exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }
}
