import type { Db, Tx } from "@/lib/db/client";
import { liveAssignmentWhere } from "@/lib/assignments/live-assignment";
import type { ItemSnapshot } from "./item-snapshot";

/** What the self-review rule needs to know about a would-be reviewer. */
export interface ReviewerFacts {
  /** Groups the person belongs to. */
  groupIds: ReadonlySet<string>;
  /** Entitlements the person holds live, directly or through a group. */
  entitlementIds: ReadonlySet<string>;
}

/**
 * Self-review, precisely: a person may not decide on access that they can
 * exercise, or that is exercised on their behalf, or that they granted.
 *
 * 1. the subject is the person (a user assignment to them);
 * 2. the subject is a group the person belongs to;
 * 3. the subject is a delegated agent the person owns, and the person holds
 *    the same entitlement themselves — the agent's grant is what lets it act
 *    for its owner there, so the owner would certify their own delegated access;
 * 4. the person granted the assignment under review.
 *
 * Owning an autonomous agent is not self-review: the owner is the person
 * accountable for it, which is why "agent's owner" is a reviewer policy.
 * Returns why, or null when the person may review.
 */
export function selfReviewReason(reviewerId: string, snap: ItemSnapshot, facts: ReviewerFacts): string | null {
  if (snap.principalType === "user" && snap.principalId === reviewerId) return "the access is theirs";
  if (snap.principalType === "group" && facts.groupIds.has(snap.principalId))
    return "they belong to the group that holds the access";
  if (
    snap.principalType === "agent" &&
    snap.agentKind === "delegated" &&
    snap.agentOwnerId === reviewerId &&
    facts.entitlementIds.has(snap.entitlementId)
  ) {
    return "they own this delegated agent and hold the same access: the agent acts for them with it";
  }
  if (snap.grantedById === reviewerId) return "they granted this access";
  return null;
}

/** ReviewerFacts for several people in two queries. */
export async function reviewerFacts(
  db: Db | Tx,
  userIds: readonly string[],
  now: Date,
): Promise<Map<string, ReviewerFacts>> {
  const ids = [...new Set(userIds)];
  const result = new Map<string, { groupIds: Set<string>; entitlementIds: Set<string> }>(
    ids.map((id) => [id, { groupIds: new Set(), entitlementIds: new Set() }]),
  );
  if (ids.length === 0) return result;
  const memberships = await db.groupMembership.findMany({
    where: { userId: { in: ids } },
    select: { userId: true, groupId: true },
  });
  const membersOf = new Map<string, string[]>();
  for (const m of memberships) {
    result.get(m.userId)?.groupIds.add(m.groupId);
    membersOf.set(m.groupId, [...(membersOf.get(m.groupId) ?? []), m.userId]);
  }
  const held = await db.assignment.findMany({
    where: {
      ...liveAssignmentWhere(now),
      AND: [{ OR: [{ userId: { in: ids } }, { groupId: { in: [...membersOf.keys()] } }] }],
    },
    select: { userId: true, groupId: true, entitlementId: true },
  });
  for (const a of held) {
    const holders = a.userId ? [a.userId] : (membersOf.get(a.groupId ?? "") ?? []);
    for (const u of holders) result.get(u)?.entitlementIds.add(a.entitlementId);
  }
  return result;
}
