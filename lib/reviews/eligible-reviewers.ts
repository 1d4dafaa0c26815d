import type { Db, Tx } from "@/lib/db/client";
import { rolesGranting } from "@/lib/auth/permissions";
import type { PersonOption } from "@/lib/people/person-option";

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

/** The eligible reviewers themselves, by name (pickers show names with emails), leaving out `except` (the reviewer choosing). */
export async function eligibleReviewers(db: Db | Tx, except?: string): Promise<PersonOption[]> {
  const ids = [...(await eligibleReviewerIds(db))].filter((id) => id !== except);
  return db.user.findMany({
    where: { id: { in: ids } },
    orderBy: [{ displayName: "asc" }, { email: "asc" }],
    select: { id: true, displayName: true, email: true },
  });
}
