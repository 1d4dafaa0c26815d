import type { Db } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import { actorOf, personOf, type Principal } from "@/lib/auth/principal";
import { RISK_RANK } from "@/lib/entitlements/risk";
import { DomainError } from "@/lib/errors/domain-error";
import { decideSchema, type DecideInput } from "./campaign-schemas";
import { eligibleReviewerIds } from "./eligible-reviewers";
import { HIGH_RISK, parseSnapshot } from "./item-snapshot";
import { mayReview } from "./route-reviewer";
import { reviewerFacts, selfReviewReason } from "./self-review";

/** Certifying this many high-risk items within the window is treated as rubber-stamping. */
export const RUBBER_STAMP_THRESHOLD = 5;
export const RUBBER_STAMP_WINDOW_MS = 60_000;

export interface DecideResult {
  decided: number;
  /** Items moved to their second-level reviewer instead of being final. */
  toSecondLevel: number;
  /** The decisions were flagged and recorded as a possible rubber stamp. */
  rubberStamp: boolean;
  /** Micro-certifications decided here: closed at once (remediated by the caller). */
  closedMicroCampaignIds: string[];
}

/** Thrown (nothing changed) when a bulk certification needs the reviewer to confirm past the warning. */
export class RubberStampWarning extends DomainError {
  readonly highRiskCount: number;
  constructor(highRiskCount: number) {
    super(
      "conflict",
      `You are certifying ${highRiskCount} high-risk grants within a minute. Confirm that you reviewed each one; the decision will be flagged for audit.`,
    );
    this.highRiskCount = highRiskCount;
  }
}

const STATUS_OF = { certify: "certified", revoke: "revoked", reduce: "reduced" } as const;

/**
 * Records a reviewer's decision on one or more items (bulk). Server-side rules:
 * only the item's reviewer decides, never on their own access (self-review),
 * only while the campaign is active; a high-risk certification needs a
 * justification; reduce keeps a non-empty, strict subset of the tools (one
 * item at a time). Certifying many high-risk items within a minute in bulk
 * first answers a warning; confirmed, the decisions are flagged and the
 * warning is recorded. With a second-level reviewer, a level-1 decision
 * moves the item to them; theirs is final.
 */
export async function decideItems(db: Db, actor: Principal, raw: DecideInput, now = new Date()): Promise<DecideResult> {
  const input = decideSchema.parse(raw);
  const person = personOf(actor);
  if (!person) throw new DomainError("forbidden", "Only a person can decide review items");
  const itemIds = [...new Set(input.itemIds)];
  if (input.decision === "reduce" && itemIds.length !== 1)
    throw new DomainError("invalid", "Reduce one item at a time: choose the tools to keep");
  const justification = input.justification?.trim() || null;

  return db.$transaction(async (tx) => {
    const items = await tx.reviewItem.findMany({
      where: { id: { in: itemIds } },
      include: {
        campaign: { select: { id: true, name: true, status: true, kind: true, secondLevelReviewerId: true } },
      },
    });
    if (items.length !== itemIds.length) throw new DomainError("not_found", "Some of these items do not exist");
    const facts = (await reviewerFacts(tx, [person], now)).get(person)!;
    for (const item of items) {
      if (item.reviewerId !== person)
        throw new DomainError("forbidden", "Only the assigned reviewer can decide this item");
      if (item.campaign.status !== "active")
        throw new DomainError("conflict", "This campaign is not open for decisions");
      if (item.status !== "pending") throw new DomainError("conflict", "This item has already been decided");
      const why = selfReviewReason(person, parseSnapshot(item.snapshot), facts);
      if (why) throw new DomainError("separation_of_duties", `You cannot review this item: ${why}. Reassign it.`);
    }
    const highRisk = items.filter((i) => RISK_RANK[i.risk] >= RISK_RANK[HIGH_RISK]);
    if (input.decision === "certify" && highRisk.length > 0 && (!justification || justification.length < 10)) {
      throw new DomainError(
        "invalid",
        "Certifying high-risk access needs a justification (at least 10 characters)",
        "justification",
      );
    }
    let keptToolIds: string[] | null = null;
    if (input.decision === "reduce") {
      const snap = parseSnapshot(items[0]!.snapshot);
      const granted = new Set(snap.tools.map((t) => t.toolId));
      keptToolIds = [...new Set(input.keptToolIds ?? [])];
      if (keptToolIds.length === 0)
        throw new DomainError("invalid", "Keep at least one tool (or revoke instead)", "keptToolIds");
      if (keptToolIds.some((t) => !granted.has(t)))
        throw new DomainError("invalid", "Keep only tools this grant includes", "keptToolIds");
      if (keptToolIds.length === granted.size)
        throw new DomainError("invalid", "Remove at least one tool (or certify instead)", "keptToolIds");
    }

    // Rubber-stamp guard: high-risk certifications by this reviewer in the last minute, plus these.
    let rubberStamp = false;
    if (input.decision === "certify" && highRisk.length > 0) {
      const recent = await tx.reviewItem.count({
        where: {
          decidedById: person,
          status: "certified",
          decidedAt: { gte: new Date(now.getTime() - RUBBER_STAMP_WINDOW_MS) },
          risk: HIGH_RISK,
        },
      });
      const count = recent + highRisk.length;
      if (count >= RUBBER_STAMP_THRESHOLD) {
        if (items.length > 1 && !input.acknowledgeRubberStamp) throw new RubberStampWarning(count);
        rubberStamp = true;
        await recordAudit(tx, {
          action: "review.rubber_stamp_warning",
          ...actorOf(actor),
          targetType: "review_campaign",
          targetId: items[0]!.campaign.id,
          targetLabel: items[0]!.campaign.name,
          decision: "info",
          occurredAt: now,
          reason: `${count} high-risk certifications within ${RUBBER_STAMP_WINDOW_MS / 1000} s`,
          detail: {
            itemIds: highRisk.map((i) => i.id),
            acknowledged: input.acknowledgeRubberStamp === true,
            bulk: items.length > 1,
          },
        });
      }
    }

    const status = STATUS_OF[input.decision];
    const eligible = await eligibleReviewerIds(tx);
    const secondIds = [...new Set(items.map((i) => i.campaign.secondLevelReviewerId).filter((x): x is string => !!x))];
    const secondFacts = await reviewerFacts(tx, secondIds, now);
    let toSecondLevel = 0;
    const closedMicro = new Set<string>();
    for (const item of items) {
      const snap = parseSnapshot(item.snapshot);
      const second = item.campaign.secondLevelReviewerId;
      const flag = rubberStamp && RISK_RANK[item.risk] >= RISK_RANK[HIGH_RISK];
      const label = `${snap.principalLabel} — ${snap.entitlementName}`;
      const goesUp =
        item.level === 1 && second && second !== person && mayReview({ eligible, facts: secondFacts }, second, snap);
      if (goesUp) {
        await tx.reviewItem.update({
          where: { id: item.id },
          data: {
            level: 2,
            reviewerId: second,
            firstDecision: { status, byId: person, at: now.toISOString(), justification, keptToolIds },
            rubberStampFlag: flag || item.rubberStampFlag,
          },
        });
        toSecondLevel++;
      } else {
        await tx.reviewItem.update({
          where: { id: item.id },
          data: {
            status,
            decidedById: person,
            decidedAt: now,
            justification,
            keptToolIds: keptToolIds ?? undefined,
            rubberStampFlag: flag || item.rubberStampFlag,
            remediationStatus: status === "certified" ? "none" : item.campaign.kind === "micro" ? "pending" : "none",
          },
        });
        if (item.campaign.kind === "micro") closedMicro.add(item.campaign.id);
      }
      await recordAudit(tx, {
        action: "review.decided",
        ...actorOf(actor),
        targetType: "review_item",
        targetId: item.id,
        targetLabel: label,
        decision: "info",
        reason: justification,
        occurredAt: now,
        detail: {
          campaignId: item.campaign.id,
          assignmentId: item.assignmentId,
          decision: status,
          level: item.level,
          keptToolIds,
          final: !goesUp,
          rubberStamp: flag,
        },
      });
    }
    for (const id of closedMicro) {
      await tx.reviewCampaign.update({ where: { id }, data: { status: "closed", closedAt: now } });
      await recordAudit(tx, {
        action: "review.campaign_closed",
        ...actorOf(actor),
        targetType: "review_campaign",
        targetId: id,
        decision: "info",
        occurredAt: now,
        detail: { micro: true },
      });
    }
    return { decided: items.length, toSecondLevel, rubberStamp, closedMicroCampaignIds: [...closedMicro] };
  });
}
