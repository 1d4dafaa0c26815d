import { providerOf, type Db } from "@/lib/db/client";
import { placeholders } from "@/lib/db/raw-values";
import { auditReadPool } from "./event-query";

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
  const provider = providerOf(db);
  const pool = auditReadPool(db);
  const bucketMs = bucketSizeFor(range.to.getTime() - range.from.getTime());
  // Bucket start in epoch ms: SQLite stores integer ms; PostgreSQL a UTC timestamp.
  const epochMs = provider === "sqlite" ? `"occurredAt"` : `(EXTRACT(EPOCH FROM "occurredAt") * 1000)::bigint`;
  // better-sqlite3 binds JS numbers as REAL: cast, or the division is not an integer one.
  const size = provider === "sqlite" ? "CAST($3 AS INTEGER)" : "$3::bigint";
  const bucket = `((${epochMs} / ${size}) * ${size})`;

  const series = async (where: string, extra: unknown[]) => {
    const [sql, params] = placeholders(
      provider,
      `SELECT ${bucket} AS b, COUNT(*) AS n FROM "AuditEvent" WHERE ${where} AND "occurredAt" >= $1 AND "occurredAt" < $2 GROUP BY b`,
      [range.from, range.to, bucketMs, ...extra],
    );
    const rows = await pool.query(sql, params);
    return new Map(rows.map((r) => [Number(r.b), Number(r.n)]));
  };
  const [mints, calls, denials] = await Promise.all([
    series(`"action" = $4`, ["token.minted"]),
    series(`"action" = $4`, ["tool.called"]),
    series(`"decision" = $4`, ["deny"]),
  ]);
  const [reasonSql, reasonParams] = placeholders(
    provider,
    `SELECT COALESCE("reason", '(no reason given)') AS reason, COUNT(*) AS n FROM "AuditEvent"
     WHERE "decision" = 'deny' AND "occurredAt" >= $1 AND "occurredAt" < $2
     GROUP BY COALESCE("reason", '(no reason given)') ORDER BY n DESC LIMIT 8`,
    [range.from, range.to],
  );
  const reasons = await pool.query(reasonSql, reasonParams);

  const buckets: ActivityBucket[] = [];
  const first = Math.floor(range.from.getTime() / bucketMs) * bucketMs;
  for (let at = first; at < range.to.getTime(); at += bucketMs) {
    buckets.push({ at, mints: mints.get(at) ?? 0, toolCalls: calls.get(at) ?? 0, denials: denials.get(at) ?? 0 });
  }
  return {
    from: range.from,
    to: range.to,
    bucketMs,
    buckets,
    topDenialReasons: reasons.map((r) => ({ reason: String(r.reason), count: Number(r.n) })),
  };
}
