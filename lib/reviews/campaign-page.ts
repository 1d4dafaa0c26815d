import type { Db } from "@/lib/db/client";
import { campaignProgress } from "./campaign-progress";

/** How many of a campaign's items its page lists; the progress figures count them all. */
export const CAMPAIGN_ITEMS_SHOWN = 200;

/** A campaign, its progress and its first items (pending first), for the campaign page; null when there is none. */
export async function loadCampaignPage(db: Db, campaignId: string) {
  const campaign = await db.reviewCampaign.findUnique({
    where: { id: campaignId },
    include: { createdBy: { select: { email: true } } },
  });
  if (!campaign) return null;
  const [progress, items] = await Promise.all([
    campaignProgress(db, campaignId),
    db.reviewItem.findMany({
      where: { campaignId },
      orderBy: [{ status: "asc" }, { id: "asc" }],
      take: CAMPAIGN_ITEMS_SHOWN,
      include: { reviewer: { select: { email: true, displayName: true } } },
    }),
  ]);
  return { campaign, progress, items };
}

/** Items waiting for this reviewer's decision in active campaigns. */
export function countPendingForReviewer(db: Db, reviewerId: string): Promise<number> {
  return db.reviewItem.count({ where: { reviewerId, status: "pending", campaign: { status: "active" } } });
}
