import type { Db } from "@/lib/db/client";
import { sqliteWriterOf } from "@/lib/db/sqlite-writer";
import { writeMintBatchJob } from "./mints/sqlite";
import { writeToolCallBatchJob } from "./tool-calls/sqlite";

/** Whether the store answers at all (readiness): one trivial round trip. */
export async function pingStore(db: Db): Promise<void> {
  await db.$queryRawUnsafe("SELECT 1");
}

/** The embedded store's write thread loads its jobs now rather than on the first token request; nothing on PostgreSQL. */
export async function warmUpWriters(db: Db): Promise<void> {
  await sqliteWriterOf(db)?.preload([writeMintBatchJob, writeToolCallBatchJob]);
}
