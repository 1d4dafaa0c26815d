import type { Prisma } from "@/lib/db/generated/sqlite/client";

/**
 * A session is active while its status says so and it has not yet expired: the
 * sweeper that marks expired sessions runs periodically, so status alone lags.
 * Served by the (status, expiresAt) index.
 */
export function activeSessionFilter(now: Date): Prisma.AgentSessionWhereInput {
  return { status: "active", expiresAt: { gt: now } };
}
