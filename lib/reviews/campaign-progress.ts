import type { Db } from "@/lib/db/client";

export interface ReviewerProgress {
  reviewerId: string | null;
  label: string;
  pending: number;
  decided: number;
}

export interface CampaignProgress {
  total: number;
  pending: number;
  certified: number;
  revoked: number;
  reduced: number;
  /** Percentage decided, 0–100. */
  percent: number;
  remediation: { pending: number; done: number; failed: number };
  flagged: number;
  reviewers: ReviewerProgress[];
}

/** Decisions and remediation per campaign and per reviewer: three grouped queries. */
export async function campaignProgress(db: Db, campaignId: string): Promise<CampaignProgress> {
  const [byStatus, byRemediation, byReviewer, flagged] = await Promise.all([
    db.reviewItem.groupBy({ by: ["status"], where: { campaignId }, _count: { _all: true } }),
    db.reviewItem.groupBy({ by: ["remediationStatus"], where: { campaignId }, _count: { _all: true } }),
    db.reviewItem.groupBy({ by: ["reviewerId", "status"], where: { campaignId }, _count: { _all: true } }),
    db.reviewItem.count({ where: { campaignId, rubberStampFlag: true } }),
  ]);
  const s = Object.fromEntries(byStatus.map((g) => [g.status, g._count._all])) as Partial<Record<string, number>>;
  const r = Object.fromEntries(byRemediation.map((g) => [g.remediationStatus, g._count._all])) as Partial<
    Record<string, number>
  >;
  const total = byStatus.reduce((n, g) => n + g._count._all, 0);
  const people = await db.user.findMany({
    where: { id: { in: [...new Set(byReviewer.map((g) => g.reviewerId).filter((x): x is string => !!x))] } },
    select: { id: true, email: true },
  });
  const emailOf = new Map(people.map((p) => [p.id, p.email]));
  const reviewers = new Map<string, ReviewerProgress>();
  for (const g of byReviewer) {
    const key = g.reviewerId ?? "";
    const row = reviewers.get(key) ?? {
      reviewerId: g.reviewerId,
      label: g.reviewerId ? (emailOf.get(g.reviewerId) ?? g.reviewerId) : "Unassigned",
      pending: 0,
      decided: 0,
    };
    if (g.status === "pending") row.pending += g._count._all;
    else row.decided += g._count._all;
    reviewers.set(key, row);
  }
  const pending = s.pending ?? 0;
  return {
    total,
    pending,
    certified: s.certified ?? 0,
    revoked: s.revoked ?? 0,
    reduced: s.reduced ?? 0,
    percent: total === 0 ? 100 : Math.round(((total - pending) / total) * 1000) / 10,
    remediation: { pending: r.pending ?? 0, done: r.done ?? 0, failed: r.failed ?? 0 },
    flagged,
    reviewers: [...reviewers.values()].sort((a, b) => b.pending - a.pending || a.label.localeCompare(b.label)),
  };
}
