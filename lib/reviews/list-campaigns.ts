import type { Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/sqlite/client";
import { containsText } from "@/lib/db/stores/text-search";

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

export const CAMPAIGNS_SHOWN = 100;

function campaignWhere(
  db: Db,
  opts: { kind: "campaign" | "micro"; q?: string | undefined },
): Prisma.ReviewCampaignWhereInput {
  return opts.q ? { kind: opts.kind, name: containsText(db, opts.q) } : { kind: opts.kind };
}

/** Campaigns newest first (micro-certifications apart, or only them); `q` matches the name. */
export async function listCampaigns(
  db: Db,
  opts: { kind: "campaign" | "micro"; take?: number; q?: string | undefined },
): Promise<CampaignSummary[]> {
  const rows = await db.reviewCampaign.findMany({
    where: campaignWhere(db, opts),
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: opts.take ?? CAMPAIGNS_SHOWN,
    select: {
      id: true,
      name: true,
      kind: true,
      trigger: true,
      status: true,
      dueAt: true,
      itemCount: true,
      launchedCount: true,
      recurrenceDays: true,
      createdAt: true,
    },
  });
  const pending = await db.reviewItem.groupBy({
    by: ["campaignId"],
    where: { campaignId: { in: rows.map((r) => r.id) }, status: "pending" },
    _count: { _all: true },
  });
  const pendingOf = new Map(pending.map((p) => [p.campaignId, p._count._all]));
  return rows.map((r) => ({ ...r, pending: pendingOf.get(r.id) ?? 0 }));
}

/** How many campaigns match: the list shows the newest CAMPAIGNS_SHOWN of them. */
export async function countCampaigns(
  db: Db,
  opts: { kind: "campaign" | "micro"; q?: string | undefined },
): Promise<number> {
  return db.reviewCampaign.count({ where: campaignWhere(db, opts) });
}
