import type { Db } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import { actorOf, type Principal } from "@/lib/auth/principal";
import { remediatePending } from "./close-campaign";
import { eligibleReviewerIds } from "./eligible-reviewers";
import { parseSnapshot } from "./item-snapshot";
import { launchCampaign } from "./launch-campaign";
import { scanUnusedGrants } from "./micro-certification";
import { mayReview } from "./route-reviewer";
import { reviewerFacts } from "./self-review";

const DAY_MS = 86_400_000;
const UNUSED_SCAN_SETTING = "reviews.unusedScanAt";

export const SCHEDULER_PRINCIPAL: Principal = { kind: "system", label: "mandate review scheduler", roles: ["admin"] };

export interface SchedulerOptions {
  /** The clock: tests and the CLI's --at pass their own. */
  now?: Date;
  /** Grants unused this many days get a micro-certification (0: no scan). */
  unusedDays?: number;
  /** Minimum time between two unused-grant scans. */
  unusedScanEveryMs?: number;
}

export interface SchedulerRun {
  reminders: number;
  escalated: number;
  launched: string[];
  remediated: number;
  microOpened: number;
}

/**
 * One pass of the review clock: reminders to reviewers with pending items,
 * escalation of items still pending after the due date, the next instance of
 * recurring campaigns, remediation left pending (retried after a failure or
 * crash), and — at most once a day — the unused-grant scan. Idempotent for a
 * given clock: run it every few minutes from the server and from the CLI.
 */
export async function runReviewScheduler(db: Db, opts: SchedulerOptions = {}): Promise<SchedulerRun> {
  const now = opts.now ?? new Date();
  const actor = actorOf(SCHEDULER_PRINCIPAL);
  const run: SchedulerRun = { reminders: 0, escalated: 0, launched: [], remediated: 0, microOpened: 0 };
  const active = await db.reviewCampaign.findMany({
    where: { status: "active" },
    select: {
      id: true,
      name: true,
      dueAt: true,
      reminderIntervalDays: true,
      escalateAfterDays: true,
      fallbackReviewerId: true,
      secondLevelReviewerId: true,
    },
  });

  for (const c of active) {
    if (c.reminderIntervalDays) {
      const before = new Date(now.getTime() - c.reminderIntervalDays * DAY_MS);
      const due = await db.reviewItem.findMany({
        where: {
          campaignId: c.id,
          status: "pending",
          reviewerId: { not: null },
          OR: [{ remindedAt: { lte: before } }, { remindedAt: null, createdAt: { lte: before } }],
        },
        select: { id: true, reviewerId: true },
      });
      const byReviewer = new Map<string, string[]>();
      for (const i of due) byReviewer.set(i.reviewerId!, [...(byReviewer.get(i.reviewerId!) ?? []), i.id]);
      for (const [reviewerId, ids] of byReviewer) {
        await db.$transaction(async (tx) => {
          await tx.reviewItem.updateMany({
            where: { id: { in: ids } },
            data: { remindedAt: now, reminderCount: { increment: 1 } },
          });
          await recordAudit(tx, {
            action: "review.reminder_sent",
            ...actor,
            targetType: "user",
            targetId: reviewerId,
            decision: "info",
            occurredAt: now,
            reason: `${ids.length} pending item${ids.length === 1 ? "" : "s"} in “${c.name}”, due ${c.dueAt.toISOString()}`,
            detail: { campaignId: c.id, items: ids.length },
          });
        });
        run.reminders++;
      }
    }
    if (c.escalateAfterDays !== null && c.dueAt.getTime() + c.escalateAfterDays * DAY_MS <= now.getTime()) {
      const overdue = await db.reviewItem.findMany({
        where: { campaignId: c.id, status: "pending", escalatedAt: null },
        select: { id: true, reviewerId: true, snapshot: true },
      });
      if (overdue.length === 0) continue;
      const eligible = await eligibleReviewerIds(db);
      const targets = [c.secondLevelReviewerId, c.fallbackReviewerId].filter((x): x is string => !!x);
      const facts = await reviewerFacts(db, targets, now);
      for (const item of overdue) {
        const snap = parseSnapshot(item.snapshot);
        const to = targets.find((t) => t !== item.reviewerId && mayReview({ eligible, facts }, t, snap)) ?? null;
        await db.$transaction(async (tx) => {
          await tx.reviewItem.update({
            where: { id: item.id },
            data: { escalatedAt: now, ...(to ? { reviewerId: to, reassignNote: "Escalated: overdue" } : {}) },
          });
          await recordAudit(tx, {
            action: "review.escalated",
            ...actor,
            targetType: "review_item",
            targetId: item.id,
            targetLabel: `${snap.principalLabel} — ${snap.entitlementName}`,
            decision: "info",
            occurredAt: now,
            reason: to ? "Overdue: moved to the escalation reviewer" : "Overdue: no other reviewer may take it",
            detail: {
              campaignId: c.id,
              before: { reviewerId: item.reviewerId },
              after: { reviewerId: to ?? item.reviewerId },
            },
          });
        });
        run.escalated++;
      }
    }
  }

  const recurring = await db.reviewCampaign.findMany({
    where: { nextRunAt: { lte: now }, recurrenceDays: { not: null } },
  });
  for (const t of recurring) {
    const span = t.launchedAt ? t.dueAt.getTime() - t.launchedAt.getTime() : 14 * DAY_MS;
    const created = await db.reviewCampaign.create({
      data: {
        name: `${t.name} — ${now.toISOString().slice(0, 10)}`,
        description: t.description,
        scope: t.scope as object,
        reviewerPolicy: t.reviewerPolicy,
        namedReviewerIds: (t.namedReviewerIds ?? undefined) as object | undefined,
        fallbackReviewerId: t.fallbackReviewerId,
        secondLevelReviewerId: t.secondLevelReviewerId,
        unreviewedPolicy: t.unreviewedPolicy,
        dueAt: new Date(now.getTime() + span),
        reminderIntervalDays: t.reminderIntervalDays,
        escalateAfterDays: t.escalateAfterDays,
        templateId: t.id,
        createdById: t.createdById,
        createdAt: now,
      },
    });
    await db.reviewCampaign.update({
      where: { id: t.id },
      data: { nextRunAt: new Date(now.getTime() + (t.recurrenceDays ?? 1) * DAY_MS) },
    });
    await launchCampaign(db, SCHEDULER_PRINCIPAL, created.id, { now });
    run.launched.push(created.id);
  }

  const stuck = await db.reviewItem.groupBy({
    by: ["campaignId"],
    where: { remediationStatus: "pending", campaign: { status: "closed" } },
  });
  for (const { campaignId } of stuck) run.remediated += (await remediatePending(db, actor, campaignId, now)).length;

  if (opts.unusedDays && opts.unusedDays > 0) {
    const last = await db.setting.findUnique({ where: { key: UNUSED_SCAN_SETTING } });
    const lastAt = typeof last?.value === "string" ? Date.parse(last.value) : 0;
    if (now.getTime() - lastAt >= (opts.unusedScanEveryMs ?? DAY_MS)) {
      run.microOpened = await scanUnusedGrants(db, opts.unusedDays, now, actor);
      await db.setting.upsert({
        where: { key: UNUSED_SCAN_SETTING },
        create: { key: UNUSED_SCAN_SETTING, value: now.toISOString() },
        update: { value: now.toISOString() },
      });
    }
  }
  return run;
}
