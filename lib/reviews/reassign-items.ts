import type { Db } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import { actorOf, can, personOf, type Principal } from "@/lib/auth/principal";
import { DomainError } from "@/lib/errors/domain-error";
import { reassignSchema, type ReassignInput } from "./campaign-schemas";
import { eligibleReviewerIds } from "./eligible-reviewers";
import { parseSnapshot } from "./item-snapshot";
import { reviewerFacts, selfReviewReason } from "./self-review";

/**
 * Hands pending items to another reviewer, with a note. The current reviewer
 * may pass on their own items; a campaign manager (reviews.manage) any. The
 * new reviewer must be able to review (reviewer role, active) and must not be
 * reviewing their own access.
 */
export async function reassignItems(
  db: Db,
  actor: Principal,
  raw: ReassignInput,
  now = new Date(),
): Promise<{ reassigned: number }> {
  const input = reassignSchema.parse(raw);
  const person = personOf(actor);
  const manager = can(actor, "reviews.manage");
  return db.$transaction(async (tx) => {
    const items = await tx.reviewItem.findMany({
      where: { id: { in: input.itemIds } },
      include: { campaign: { select: { status: true } } },
    });
    if (items.length !== new Set(input.itemIds).size)
      throw new DomainError("not_found", "Some of these items do not exist");
    if (!(await eligibleReviewerIds(tx)).has(input.reviewerId)) {
      throw new DomainError(
        "invalid",
        "This person cannot review: they need an active account with the reviewer role",
        "reviewerId",
      );
    }
    const target = await tx.user.findUniqueOrThrow({ where: { id: input.reviewerId }, select: { email: true } });
    const facts = (await reviewerFacts(tx, [input.reviewerId], now)).get(input.reviewerId)!;
    for (const item of items) {
      if (!manager && item.reviewerId !== person)
        throw new DomainError("forbidden", "You can only reassign items assigned to you");
      if (item.status !== "pending" || item.campaign.status !== "active")
        throw new DomainError("conflict", "Only pending items of an active campaign can be reassigned");
      const why = selfReviewReason(input.reviewerId, parseSnapshot(item.snapshot), facts);
      if (why)
        throw new DomainError(
          "separation_of_duties",
          `${target.email} cannot review one of these items: ${why}`,
          "reviewerId",
        );
    }
    for (const item of items) {
      await tx.reviewItem.update({
        where: { id: item.id },
        data: { reviewerId: input.reviewerId, reassignNote: input.note },
      });
      await recordAudit(tx, {
        action: "review.reassigned",
        ...actorOf(actor),
        targetType: "review_item",
        targetId: item.id,
        decision: "info",
        reason: input.note,
        occurredAt: now,
        detail: { before: { reviewerId: item.reviewerId }, after: { reviewerId: input.reviewerId } },
      });
    }
    return { reassigned: items.length };
  });
}
