import type { Db } from "@/lib/db/client";

const DAY_MS = 86_400_000;

export interface DailyCount {
  /** The UTC day, YYYY-MM-DD. */
  day: string;
  count: number;
}

/**
 * Refused decisions (tool calls, token requests) per UTC day for the last `days` days, oldest first: one
 * indexed count per day on (decision, occurredAt), the same on both stores.
 */
export async function denialsPerDay(db: Db, days = 7, now = new Date()): Promise<DailyCount[]> {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const starts = Array.from({ length: days }, (_, i) => today - (days - 1 - i) * DAY_MS);
  const counts = await Promise.all(
    starts.map((start) =>
      db.auditEvent.count({
        where: { decision: "deny", occurredAt: { gte: new Date(start), lt: new Date(start + DAY_MS) } },
      }),
    ),
  );
  return starts.map((start, i) => ({ day: new Date(start).toISOString().slice(0, 10), count: counts[i]! }));
}

/** Live assignments that end within `withinDays` days. */
export async function assignmentsExpiringSoon(db: Db, withinDays: number, now = new Date()): Promise<number> {
  return db.assignment.count({
    where: { endedAt: null, expiresAt: { gt: now, lte: new Date(now.getTime() + withinDays * DAY_MS) } },
  });
}

/** Agents whose owner left and that are not retired (the offboarding queue). */
export async function ownerlessAgentCount(db: Db): Promise<number> {
  return db.agent.count({ where: { ownerlessSince: { not: null }, status: { not: "retired" } } });
}

/** Sessions revoked in the last 24 hours. */
export async function revocationsLastDay(db: Db, now = new Date()): Promise<number> {
  return db.agentSession.count({ where: { status: "revoked", revokedAt: { gte: new Date(now.getTime() - DAY_MS) } } });
}
