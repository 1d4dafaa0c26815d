import type { Db } from "@/lib/db/client";

export interface CampaignSummary {
  id: string;
  name: string;
  kind: string;
  trigger: string | null;
  status: string;
  dueAt: Date;
  itemCount: number;
  launchedCount: number;
  pending: number;
  recurrenceDays: number | null;
  createdAt: Date;
}

/** Campaigns newest first (micro-certifications apart, or only them). */
export async function listCampaigns(db: Db, opts: { kind: "campaign" | "micro"; take?: number }): Promise<CampaignSummary[]> {
  const rows = await db.reviewCampaign.findMany({
    where: { kind: opts.kind },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: opts.take ?? 100,
    select: { id: true, name: true, kind: true, trigger: true, status: true, dueAt: true, itemCount: true, launchedCount: true, recurrenceDays: true, createdAt: true },
  });
  const pending = await db.reviewItem.groupBy({ by: ["campaignId"], where: { campaignId: { in: rows.map((r) => r.id) }, status: "pending" }, _count: { _all: true } });
  const pendingOf = new Map(pending.map((p) => [p.campaignId, p._count._all]));
  return rows.map((r) => ({ ...r, pending: pendingOf.get(r.id) ?? 0 }));
}
