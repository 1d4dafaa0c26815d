import type { Db } from "@/lib/db/client";
import { auditActivityCounts } from "@/lib/db/stores/audit/queries";

export interface ActivityBucket {
  /** Start of the bucket (epoch ms, UTC). */
  at: number;
  mints: number;
  toolCalls: number;
  denials: number;
}

export interface AuditActivity {
  from: Date;
  to: Date;
  bucketMs: number;
  buckets: ActivityBucket[];
  topDenialReasons: { reason: string; count: number }[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** About 30–60 bars whatever the range: hours for a few days, days beyond. */
export function bucketSizeFor(rangeMs: number): number {
  if (rangeMs <= 2 * DAY) return HOUR;
  if (rangeMs <= 7 * DAY) return 4 * HOUR;
  if (rangeMs <= 62 * DAY) return DAY;
  return 7 * DAY;
}

/**
 * Mints, tool calls and denials per time bucket, and the most frequent denial
 * reasons, over a time range. Each series is one range scan of an index
 * ((action, occurredAt) for mints and calls, (decision, occurredAt) for
 * denials), so the cost follows the events in range, not the trail's length.
 */
export async function auditActivity(db: Db, range: { from: Date; to: Date }): Promise<AuditActivity> {
  const bucketMs = bucketSizeFor(range.to.getTime() - range.from.getTime());
  const counts = await auditActivityCounts(db, range, bucketMs);
  const buckets: ActivityBucket[] = [];
  const first = Math.floor(range.from.getTime() / bucketMs) * bucketMs;
  for (let at = first; at < range.to.getTime(); at += bucketMs) {
    buckets.push({
      at,
      mints: counts.mints.get(at) ?? 0,
      toolCalls: counts.toolCalls.get(at) ?? 0,
      denials: counts.denials.get(at) ?? 0,
    });
  }
  return { from: range.from, to: range.to, bucketMs, buckets, topDenialReasons: counts.reasons };
}
