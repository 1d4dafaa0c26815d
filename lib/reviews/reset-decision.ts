import type { Db } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/sqlite/client";
import { recordAudit } from "@/lib/audit/record";
import { actorOf, personOf, type Principal } from "@/lib/auth/principal";
import { DomainError } from "@/lib/errors/domain-error";
import { resetDecisionSchema, type ResetDecisionInput } from "./campaign-schemas";
import { parseSnapshot } from "./item-snapshot";

interface FirstDecision {
  status?: string;
  byId?: string;
  justification?: string | null;
}

/**
 * Takes back a reviewer's decisions while their campaign is still open: each
 * item is pending again and can be decided anew. Nothing was removed yet —
 * a campaign's revokes and reductions are carried out when it closes — so
 * resetting changes no access. Two cases:
 *  - a decision the reviewer made on an item they still hold (final at its
 *    level): status back to pending, decision fields cleared;
 *  - a level-1 decision sent on to the second-level reviewer, not yet decided
 *    there: the item comes back to the level-1 reviewer.
 * Anything else (someone else's decision, a closed campaign, an item already
 * pending) is refused and nothing changes. One `review.decision_reset` event
 * per item, with the decision taken back, in the same transaction.
 */
export async function resetDecisions(
  db: Db,
  actor: Principal,
  raw: ResetDecisionInput,
  now = new Date(),
): Promise<{ reset: number }> {
  const input = resetDecisionSchema.parse(raw);
  const person = personOf(actor);
  if (!person) throw new DomainError("forbidden", "Only a person can take back a review decision");
  const itemIds = [...new Set(input.itemIds)];
  return db.$transaction(async (tx) => {
    const items = await tx.reviewItem.findMany({
      where: { id: { in: itemIds } },
      include: { campaign: { select: { id: true, status: true } } },
    });
    if (items.length !== itemIds.length) throw new DomainError("not_found", "Some of these items do not exist");
    for (const item of items) {
      if (item.campaign.status !== "active")
        throw new DomainError("conflict", "This campaign has closed: its decisions are final");
      const first = item.firstDecision as FirstDecision | null;
      const snap = parseSnapshot(item.snapshot);
      const label = `${snap.principalLabel} — ${snap.entitlementName}`;
      let before: { status: string; justification: string | null; level: number };
      if (item.status !== "pending") {
        if (item.decidedById !== person || item.reviewerId !== person)
          throw new DomainError("forbidden", "Only the reviewer who decided an item can take the decision back");
        before = { status: item.status, justification: item.justification, level: item.level };
        await tx.reviewItem.update({
          where: { id: item.id },
          data: {
            status: "pending",
            decidedById: null,
            decidedAt: null,
            justification: null,
            keptToolIds: Prisma.DbNull,
            remediationStatus: "none",
          },
        });
      } else if (item.level === 2 && first?.byId === person) {
        before = { status: first.status ?? "pending", justification: first.justification ?? null, level: 1 };
        await tx.reviewItem.update({
          where: { id: item.id },
          data: { level: 1, reviewerId: person, firstDecision: Prisma.DbNull },
        });
      } else {
        throw new DomainError("conflict", "This item has no decision of yours to take back");
      }
      await recordAudit(tx, {
        action: "review.decision_reset",
        ...actorOf(actor),
        targetType: "review_item",
        targetId: item.id,
        targetLabel: label,
        decision: "info",
        reason: `Decision taken back: ${before.status}`,
        occurredAt: now,
        detail: {
          campaignId: item.campaign.id,
          assignmentId: item.assignmentId,
          before,
          after: { status: "pending", level: before.level },
        },
      });
    }
    return { reset: items.length };
  });
}
