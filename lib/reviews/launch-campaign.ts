import type { Db } from "@/lib/db/client";
import { insertReviewItems, type NewReviewItem } from "@/lib/db/stores/reviews";
import { recordAudit } from "@/lib/audit/record";
import { actorOf, type Principal } from "@/lib/auth/principal";
import { DomainError } from "@/lib/errors/domain-error";
import { timeOrderedId } from "@/lib/ids/time-ordered-id";
import { campaignScopeSchema, type ReviewerPolicy } from "./campaign-schemas";
import { eligibleReviewerIds } from "./eligible-reviewers";
import { inScopeAssignments } from "./in-scope-assignments";
import { routeReviewer } from "./route-reviewer";
import { reviewerFacts } from "./self-review";

export interface LaunchProgress {
  done: number;
  total: number;
}

export interface LaunchResult {
  items: number;
  unassigned: number;
}

const CHUNK = 2000;

const DAY_MS = 86_400_000;

const stringList = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];

/**
 * Launches a draft campaign: the live assignments in scope are read in one
 * statement and copied into review items (the snapshot), so changes to
 * assignments after launch never alter what is reviewed. Items are written in
 * chunks, each committing `launchedCount` for progress (status `launching`
 * meanwhile); the campaign becomes active, with its audit event, once all are
 * in. A launch interrupted half-way is restarted from scratch by launching again.
 */
export async function launchCampaign(
  db: Db,
  actor: Principal,
  campaignId: string,
  opts: { now?: Date; onProgress?: (p: LaunchProgress) => void } = {},
): Promise<LaunchResult> {
  const now = opts.now ?? new Date();
  const campaign = await db.$transaction(async (tx) => {
    const c = await tx.reviewCampaign.findUnique({ where: { id: campaignId } });
    if (!c) throw new DomainError("not_found", "No such campaign");
    if (c.status !== "draft" && c.status !== "launching")
      throw new DomainError("conflict", "This campaign has already been launched");
    if (c.dueAt.getTime() <= now.getTime())
      throw new DomainError("invalid", "The due date has passed; set a later one first", "dueAt");
    await tx.reviewItem.deleteMany({ where: { campaignId } });
    return tx.reviewCampaign.update({
      where: { id: campaignId },
      data: { status: "launching", launchedAt: now, launchedCount: 0, itemCount: 0 },
    });
  });

  const scope = campaignScopeSchema.parse(campaign.scope);
  const scoped = await inScopeAssignments(db, scope, now);
  const eligible = await eligibleReviewerIds(db);
  const facts = await reviewerFacts(db, [...eligible], now);
  const ctx = {
    policy: campaign.reviewerPolicy as ReviewerPolicy,
    namedReviewerIds: stringList(campaign.namedReviewerIds),
    fallbackReviewerId: campaign.fallbackReviewerId,
    eligible,
    facts,
  };
  const total = scoped.length;
  let unassigned = 0;
  opts.onProgress?.({ done: 0, total });
  await db.reviewCampaign.update({ where: { id: campaignId }, data: { itemCount: total } });
  for (let start = 0; start < total; start += CHUNK) {
    const rows = scoped.slice(start, start + CHUNK).map((s, i) => {
      const reviewerId = routeReviewer(ctx, s.snapshot, s.managerId, start + i);
      if (!reviewerId) unassigned++;
      const row: NewReviewItem = {
        id: timeOrderedId(now.getTime()),
        campaignId,
        assignmentId: s.snapshot.assignmentId,
        snapshot: s.snapshot,
        risk: s.risk,
        reviewerId,
        createdAt: now,
      };
      return row;
    });
    const done = Math.min(start + CHUNK, total);
    await db.$transaction(
      async (tx) => {
        await insertReviewItems(tx, rows);
        await tx.reviewCampaign.update({ where: { id: campaignId }, data: { launchedCount: done } });
      },
      { timeout: 60_000 },
    );
    opts.onProgress?.({ done, total });
  }

  await db.$transaction(async (tx) => {
    await tx.reviewCampaign.update({
      where: { id: campaignId },
      data: {
        status: "active",
        itemCount: total,
        launchedCount: total,
        nextRunAt: campaign.recurrenceDays ? new Date(now.getTime() + campaign.recurrenceDays * DAY_MS) : null,
      },
    });
    await recordAudit(tx, {
      action: "review.campaign_launched",
      ...actorOf(actor),
      targetType: "review_campaign",
      targetId: campaignId,
      targetLabel: campaign.name,
      decision: "info",
      occurredAt: now,
      detail: {
        before: { status: "draft" },
        after: { status: "active" },
        items: total,
        unassigned,
        scope,
        reviewerPolicy: campaign.reviewerPolicy,
      },
    });
  });
  return { items: total, unassigned };
}
