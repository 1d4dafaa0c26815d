import type { Db, Tx } from "@/lib/db/client";
import { rolesGranting } from "@/lib/auth/permissions";

/**
 * Active people whose console role lets them decide review items. A reviewer
 * policy that resolves to anyone else (an agent owner without the reviewer
 * role, a departed manager) falls back: an item routed to someone who cannot
 * act on it would sit until escalation.
 */
export async function eligibleReviewerIds(db: Db | Tx): Promise<Set<string>> {
  const rows = await db.userRole.findMany({
    where: { role: { in: rolesGranting("reviews.decide") }, user: { active: true } },
    select: { userId: true },
  });
  return new Set(rows.map((r) => r.userId));
}
