import type { Db } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import { actorOf, type Principal } from "@/lib/auth/principal";
import { DomainError } from "@/lib/errors/domain-error";
import { createCampaignSchema, type CreateCampaignInput } from "./campaign-schemas";
import { eligibleReviewerIds } from "./eligible-reviewers";

/** Creates a draft campaign (nothing is snapshotted until launch). */
export async function createCampaign(
  db: Db,
  actor: Principal,
  raw: CreateCampaignInput,
  now = new Date(),
): Promise<{ id: string }> {
  const input = createCampaignSchema.parse(raw);
  if (input.dueAt.getTime() <= now.getTime())
    throw new DomainError("invalid", "The due date must be in the future", "dueAt");
  return db.$transaction(async (tx) => {
    const eligible = await eligibleReviewerIds(tx);
    const check = (id: string | undefined, field: string) => {
      if (id && !eligible.has(id))
        throw new DomainError(
          "invalid",
          "This person cannot review: they need an active account with the reviewer role",
          field,
        );
    };
    check(input.fallbackReviewerId, "fallbackReviewerId");
    check(input.secondLevelReviewerId, "secondLevelReviewerId");
    for (const id of input.namedReviewerIds) check(id, "namedReviewerIds");
    if (await tx.reviewCampaign.findUnique({ where: { name: input.name }, select: { id: true } })) {
      throw new DomainError("conflict", "A campaign with this name exists", "name");
    }
    const person = actorOf(actor);
    const row = await tx.reviewCampaign.create({
      data: {
        name: input.name,
        description: input.description ?? null,
        scope: input.scope,
        reviewerPolicy: input.reviewerPolicy,
        namedReviewerIds: input.namedReviewerIds,
        fallbackReviewerId: input.fallbackReviewerId,
        secondLevelReviewerId: input.secondLevelReviewerId ?? null,
        unreviewedPolicy: input.unreviewedPolicy,
        dueAt: input.dueAt,
        reminderIntervalDays: input.reminderIntervalDays ?? null,
        escalateAfterDays: input.escalateAfterDays ?? null,
        recurrenceDays: input.recurrenceDays ?? null,
        createdById: actor.kind === "user" ? actor.userId : null,
        createdAt: now,
      },
    });
    await recordAudit(tx, {
      action: "review.campaign_created",
      ...person,
      targetType: "review_campaign",
      targetId: row.id,
      targetLabel: row.name,
      decision: "info",
      occurredAt: now,
      detail: { before: null, after: { ...input, dueAt: input.dueAt.toISOString() } },
    });
    return { id: row.id };
  });
}
