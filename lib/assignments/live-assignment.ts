import type { Prisma } from "@/lib/db/generated/sqlite/client";

/** An assignment grants access while it is not ended and not past its expiry. */
export function liveAssignmentWhere(now: Date): Prisma.AssignmentWhereInput {
  return { endedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] };
}
