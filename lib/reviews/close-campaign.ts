import type { Db } from "@/lib/db/client";
import { recordAudit, type AuditInput } from "@/lib/audit/record";
import { actorOf, type Principal } from "@/lib/auth/principal";
import { DomainError } from "@/lib/errors/domain-error";
import { remediateItem, type RemediationOutcome } from "./remediate-item";

type Actor = Pick<AuditInput, "actorType" | "actorId" | "actorLabel">;

export const UNREVIEWED_REMOVED = "Not reviewed by the close: removed by the campaign's policy";

export interface CloseResult {
  remediated: number;
  failed: number;
  unreviewed: number;
}

/**
 * Closes a campaign: no more decisions; items nobody decided follow the
 * campaign's policy (kept as they are, or removed like a revoke); every
 * revoke and reduce is then remediated, one transaction per item so that one
 * failure neither blocks the others nor hides — it stays `failed` on the item
 * (retried by `remediatePending`).
 */
export async function closeCampaign(
  db: Db,
  actor: Principal,
  campaignId: string,
  now = new Date(),
): Promise<CloseResult> {
  return closeCampaignAs(db, actorOf(actor), campaignId, now);
}

export async function closeCampaignAs(
  db: Db,
  actor: Actor,
  campaignId: string,
  now = new Date(),
): Promise<CloseResult> {
  const unreviewed = await db.$transaction(async (tx) => {
    const c = await tx.reviewCampaign.findUnique({ where: { id: campaignId } });
    if (!c) throw new DomainError("not_found", "No such campaign");
    if (c.status !== "active")
      throw new DomainError(
        "conflict",
        c.status === "closed" ? "This campaign is already closed" : "This campaign has not been launched",
      );
    const pending = await tx.reviewItem.count({ where: { campaignId, status: "pending" } });
    if (c.unreviewedPolicy === "remove") {
      await tx.reviewItem.updateMany({
        where: { campaignId, status: "pending" },
        data: { status: "revoked", justification: UNREVIEWED_REMOVED, decidedAt: now, remediationStatus: "pending" },
      });
    }
    await tx.reviewItem.updateMany({
      where: { campaignId, status: { in: ["revoked", "reduced"] }, remediationStatus: "none" },
      data: { remediationStatus: "pending" },
    });
    await tx.reviewCampaign.update({ where: { id: campaignId }, data: { status: "closed", closedAt: now } });
    const counts = await tx.reviewItem.groupBy({ by: ["status"], where: { campaignId }, _count: { _all: true } });
    await recordAudit(tx, {
      action: "review.campaign_closed",
      ...actor,
      targetType: "review_campaign",
      targetId: campaignId,
      targetLabel: c.name,
      decision: "info",
      occurredAt: now,
      detail: {
        before: { status: "active" },
        after: { status: "closed" },
        unreviewed: pending,
        unreviewedPolicy: c.unreviewedPolicy,
        counts: Object.fromEntries(counts.map((g) => [g.status, g._count._all])),
      },
    });
    return pending;
  });
  const outcomes = await remediatePending(db, actor, campaignId, now);
  return {
    remediated: outcomes.filter((o) => o.status === "done").length,
    failed: outcomes.filter((o) => o.status === "failed").length,
    unreviewed,
  };
}

/** Remediates the items of a campaign still waiting (or, with retryFailed, failed before). */
export async function remediatePending(
  db: Db,
  actor: Actor,
  campaignId: string,
  now = new Date(),
  retryFailed = false,
): Promise<RemediationOutcome[]> {
  if (retryFailed)
    await db.reviewItem.updateMany({
      where: { campaignId, remediationStatus: "failed" },
      data: { remediationStatus: "pending" },
    });
  const ids = await db.reviewItem.findMany({
    where: { campaignId, remediationStatus: "pending" },
    select: { id: true },
    orderBy: { id: "asc" },
  });
  const outcomes: RemediationOutcome[] = [];
  for (const { id } of ids) outcomes.push(await remediateItem(db, actor, id, now));
  return outcomes;
}
