import type { Db } from "@/lib/db/client";
import { lockForTransaction } from "@/lib/db/stores/transaction-lock";
import { runReviewScheduler, type SchedulerRun } from "./scheduler";

const LEASE_KEY = "reviews.schedulerLease";

/**
 * Takes the scheduler lease for `ms` if nobody holds it: several instances on
 * one PostgreSQL run the review clock once per interval, not once each.
 */
async function takeLease(db: Db, ms: number, now: Date): Promise<boolean> {
  return db.$transaction(async (tx) => {
    await lockForTransaction(tx, LEASE_KEY);
    const row = await tx.setting.findUnique({ where: { key: LEASE_KEY } });
    const until = typeof row?.value === "string" ? Date.parse(row.value) : 0;
    if (until > now.getTime()) return false;
    const value = new Date(now.getTime() + ms).toISOString();
    await tx.setting.upsert({ where: { key: LEASE_KEY }, create: { key: LEASE_KEY, value }, update: { value } });
    return true;
  });
}

export interface SchedulerLoopOptions {
  intervalMs: number;
  unusedDays: number;
  log?: (line: string) => void;
}

/** Runs the review scheduler every interval (first run after one interval); returns a stop function. */
export function startReviewScheduler(db: Db, opts: SchedulerLoopOptions): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const now = new Date();
      if (!(await takeLease(db, Math.max(1000, opts.intervalMs - 1000), now))) return;
      const run: SchedulerRun = await runReviewScheduler(db, { now, unusedDays: opts.unusedDays });
      if (run.reminders || run.escalated || run.launched.length || run.remediated || run.microOpened)
        opts.log?.(`review scheduler: ${JSON.stringify(run)}`);
    } catch (e) {
      opts.log?.(`review scheduler failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), opts.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
