import type { ReviewerPolicy } from "./campaign-schemas";
import type { ItemSnapshot } from "./item-snapshot";
import { selfReviewReason, type ReviewerFacts } from "./self-review";

export interface RoutingContext {
  policy: ReviewerPolicy;
  namedReviewerIds: readonly string[];
  fallbackReviewerId: string | null;
  eligible: ReadonlySet<string>;
  facts: ReadonlyMap<string, ReviewerFacts>;
}

const NO_FACTS: ReviewerFacts = { groupIds: new Set(), entitlementIds: new Set() };

/** May this person review this item: active reviewer-role holder, and not self-review. */
export function mayReview(
  ctx: Pick<RoutingContext, "eligible" | "facts">,
  personId: string | null | undefined,
  snap: ItemSnapshot,
): personId is string {
  return (
    !!personId &&
    ctx.eligible.has(personId) &&
    selfReviewReason(personId, snap, ctx.facts.get(personId) ?? NO_FACTS) === null
  );
}

/**
 * The reviewer of one item: the policy's candidate if they may review it,
 * else the fallback reviewer, else nobody (an admin reassigns). Named
 * reviewers share the items in turn (`turn` rotates them).
 */
export function routeReviewer(
  ctx: RoutingContext,
  snap: ItemSnapshot,
  managerId: string | null,
  turn: number,
): string | null {
  let candidates: (string | null)[];
  switch (ctx.policy) {
    case "agent_owner":
      candidates = [snap.agentOwnerId];
      break;
    case "server_owner":
      candidates = [snap.serverOwnerId];
      break;
    case "manager":
      candidates = [managerId];
      break;
    case "named": {
      const n = ctx.namedReviewerIds.length;
      candidates = Array.from({ length: n }, (_, i) => ctx.namedReviewerIds[(turn + i) % n] ?? null);
      break;
    }
  }
  for (const c of [...candidates, ctx.fallbackReviewerId]) if (mayReview(ctx, c, snap)) return c;
  return null;
}
