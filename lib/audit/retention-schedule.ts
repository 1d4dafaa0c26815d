import type { Db } from "@/lib/db/client";
import { purgeExpiredAuditEvents } from "./retention";

const EVERY_MS = 6 * 3_600_000;
const FIRST_RUN_MS = 5 * 60_000;

/**
 * Runs the retention job inside the server: a few minutes after start, then
 * every six hours (with jitter, so instances sharing one PostgreSQL rarely
 * run together; if they do, the second finds nothing left to remove).
 * Does nothing while no retention period is set. Returns a stop function.
 */
export function scheduleAuditRetention(db: Db, log: (line: string) => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const jitter = () => Math.floor(Math.random() * 10 * 60_000);
  const run = async () => {
    try {
      const result = await purgeExpiredAuditEvents(db);
      if (result.removed > 0)
        log(`audit retention removed ${result.removed} events older than ${result.cutoff!.toISOString()}`);
    } catch (e) {
      log(`audit retention failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!stopped) timer = setTimeout(run, EVERY_MS + jitter()).unref();
  };
  timer = setTimeout(run, FIRST_RUN_MS + jitter()).unref();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
