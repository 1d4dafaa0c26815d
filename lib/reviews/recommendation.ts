/** What the evidence suggests a reviewer decide, and why — advice shown beside the item, never applied by itself. */
export interface Recommendation {
  decision: "certify" | "reduce" | "revoke";
  reason: string;
}

export interface RecommendationEvidence {
  principalType: "agent" | "user" | "group";
  /** The holder is a suspended or retired agent. */
  holderStatus: "suspended" | "retired" | null;
  grantedAt: Date;
  tools: { calls90: number }[];
  now: Date;
}

const DAY_MS = 86_400_000;
/** The same window scope review judges by (lib/reviews/scope-usage.ts): younger grants are too new to call unused. */
export const UNUSED_DAYS = 90;

/**
 * Recommends from usage evidence, as Entra's and ConductorOne's reviews do:
 * revoke a retired agent's grant, or one whose tools went unused for 90 days;
 * reduce one partly unused; certify one fully used. No advice for groups (use
 * is not tracked per group) nor for grants too new to judge.
 */
export function recommend(e: RecommendationEvidence): Recommendation | null {
  if (e.holderStatus === "retired") return { decision: "revoke", reason: "the agent is retired" };
  if (e.principalType === "group" || e.tools.length === 0) return null;
  if (e.now.getTime() - e.grantedAt.getTime() < UNUSED_DAYS * DAY_MS) return null;
  const used = e.tools.filter((t) => t.calls90 > 0).length;
  if (used === 0) return { decision: "revoke", reason: `unused for ${UNUSED_DAYS} days` };
  if (used < e.tools.length)
    return {
      decision: "reduce",
      reason: `${e.tools.length - used} of ${e.tools.length} tools unused for ${UNUSED_DAYS} days`,
    };
  return { decision: "certify", reason: `every tool used in the last ${UNUSED_DAYS} days` };
}
