import { parseArgs } from "node:util";
import { runReviewScheduler } from "@/lib/reviews/scheduler";
import { UsageError, type Command } from "../command";
import { openMigratedDatabase } from "../open-database";

/** One pass of the access-review clock, as the server runs it periodically (cron-friendly). */
export const reviewsTickCommand: Command = {
  name: "reviews-tick",
  summary: "send review reminders, escalate overdue items, launch recurring campaigns, scan for unused grants",
  usage:
    "[--at ISO-TIME] [--unused-days N]   (--at: run as if it were that time; --unused-days 0 skips the scan; default 90)",
  async run(args, io) {
    const { values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: { at: { type: "string" }, "unused-days": { type: "string" } },
    });
    const now = values.at ? new Date(values.at) : new Date();
    if (Number.isNaN(now.getTime())) throw new UsageError("--at must be an ISO date-time");
    const unusedDays = Number(values["unused-days"] ?? io.env.MANDATE_REVIEW_UNUSED_DAYS ?? 90);
    if (!Number.isInteger(unusedDays) || unusedDays < 0)
      throw new UsageError("--unused-days must be a whole number ≥ 0");
    const opened = await openMigratedDatabase(io);
    if (!opened) return 1;
    try {
      // The CLI is run on purpose: the once-a-day limit on the scan does not apply.
      const run = await runReviewScheduler(opened.db, { now, unusedDays, unusedScanEveryMs: 0 });
      io.log(
        `${opened.label} at ${now.toISOString()}: ${run.reminders} reminders, ${run.escalated} escalated, ${run.launched.length} campaigns launched, ${run.remediated} remediated, ${run.microOpened} micro-certifications opened`,
      );
      return 0;
    } finally {
      await opened.db.$disconnect();
    }
  },
};
