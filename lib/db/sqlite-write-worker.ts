/**
 * The write thread of lib/db/sqlite-write-thread.ts: one better-sqlite3
 * connection to the embedded store, running the jobs it is sent one at a time,
 * each inside BEGIN IMMEDIATE … COMMIT.
 */
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import type { JobReply, JobRequest, SqliteJobFunction } from "./sqlite-write-thread";

const { file } = workerData as { file: string };
const port = parentPort;
if (!port) throw new Error("sqlite-write-worker runs as a worker thread");

// The server's own connection (Prisma's) writes too, between our jobs (the gate) or, for a single statement outside
// a transaction, whenever it likes: wait for its lock rather than fail.
const conn = new Database(file, { fileMustExist: true, timeout: 5000 });
conn.pragma("journal_mode = WAL");
// Durable against power loss: a token is answered only after its audit event is on disk.
conn.pragma("synchronous = FULL");

const modules = new Map<string, Promise<Record<string, unknown>>>();

async function jobFunction(module: string, name: string): Promise<SqliteJobFunction<unknown, unknown>> {
  let loaded = modules.get(module);
  if (!loaded) modules.set(module, (loaded = import(module) as Promise<Record<string, unknown>>));
  const fn = (await loaded)[name];
  if (typeof fn !== "function") throw new Error(`${module} exports no job ${name}`);
  return fn as SqliteJobFunction<unknown, unknown>;
}

// Jobs arrive while an earlier one's module may still be loading: a chain keeps them in order.
let chain: Promise<void> = Promise.resolve();

port.on("message", (request: JobRequest) => {
  chain = chain.then(async () => {
    let reply: JobReply;
    try {
      const fn = await jobFunction(request.module, request.name);
      const result = request.preload
        ? null
        : conn.transaction((payload: unknown) => fn(conn, payload)).immediate(request.payload);
      reply = { id: request.id, ok: true, result };
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      reply = { id: request.id, ok: false, message: err.message, code: (err as { code?: string }).code };
    }
    port.postMessage(reply);
  });
});
