"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { actorOf } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import {
  createCampaignSchema,
  decideSchema,
  reassignSchema,
  resetDecisionSchema,
} from "@/lib/reviews/campaign-schemas";
import { closeCampaign, remediatePending } from "@/lib/reviews/close-campaign";
import { createCampaign } from "@/lib/reviews/create-campaign";
import { decideItems, RubberStampWarning } from "@/lib/reviews/decide-items";
import { launchCampaign } from "@/lib/reviews/launch-campaign";
import { reassignItems } from "@/lib/reviews/reassign-items";
import { resetDecisions } from "@/lib/reviews/reset-decision";
import { defineAction } from "@/app/_server/action";

const campaignId = z.object({ campaignId: z.string().min(1).max(200) });

export const createCampaignAction = defineAction({
  name: "create-review-campaign",
  permission: "reviews.manage",
  input: createCampaignSchema,
  handler: async (input, { principal }) => {
    const created = await createCampaign(getDb(), principal, input);
    revalidatePath("/reviews");
    return created;
  },
});

export const launchCampaignAction = defineAction({
  name: "launch-review-campaign",
  permission: "reviews.manage",
  input: campaignId,
  handler: async ({ campaignId }, { principal }) => {
    const result = await launchCampaign(getDb(), principal, campaignId);
    revalidatePath("/reviews", "layout");
    return result;
  },
});

export const closeCampaignAction = defineAction({
  name: "close-review-campaign",
  permission: "reviews.manage",
  input: campaignId,
  handler: async ({ campaignId }, { principal }) => {
    const result = await closeCampaign(getDb(), principal, campaignId);
    revalidatePath("/reviews", "layout");
    return result;
  },
});

export const retryRemediationAction = defineAction({
  name: "retry-review-remediation",
  permission: "reviews.manage",
  input: campaignId,
  handler: async ({ campaignId }, { principal }) => {
    const outcomes = await remediatePending(getDb(), actorOf(principal), campaignId, new Date(), true);
    revalidatePath("/reviews", "layout");
    return {
      done: outcomes.filter((o) => o.status === "done").length,
      failed: outcomes.filter((o) => o.status === "failed").length,
    };
  },
});

/**
 * A reviewer's decision on one or more items. A bulk certification that trips
 * the rubber-stamp guard answers `needsConfirmation` (nothing changed) so the
 * page can ask the reviewer to confirm.
 */
export const decideItemsAction = defineAction({
  name: "decide-review-items",
  permission: "reviews.decide",
  input: decideSchema,
  handler: async (input, { principal }) => {
    try {
      const result = await decideItems(getDb(), principal, input);
      // A micro-certification closes with its one decision: a revoke or reduce is carried out now.
      for (const id of result.closedMicroCampaignIds) await remediatePending(getDb(), actorOf(principal), id);
      revalidatePath("/reviews", "layout");
      return { ...result, needsConfirmation: false as const, warning: null };
    } catch (e) {
      if (e instanceof RubberStampWarning)
        return {
          decided: 0,
          toSecondLevel: 0,
          rubberStamp: false,
          closedMicroCampaignIds: [],
          needsConfirmation: true as const,
          warning: e.message,
        };
      throw e;
    }
  },
});

/** Undo: a reviewer takes back their own decisions while the campaign is open (the lib checks whose and when). */
export const resetDecisionsAction = defineAction({
  name: "reset-review-decisions",
  permission: "reviews.decide",
  input: resetDecisionSchema,
  handler: async (input, { principal }) => {
    const result = await resetDecisions(getDb(), principal, input);
    revalidatePath("/reviews", "layout");
    return result;
  },
});

/** Reviewers hand on their own items; the lib lets campaign managers move any. */
export const reassignItemsAction = defineAction({
  name: "reassign-review-items",
  permission: "reviews.decide",
  input: reassignSchema,
  handler: async (input, { principal }) => {
    const result = await reassignItems(getDb(), principal, input);
    revalidatePath("/reviews", "layout");
    return result;
  },
});

/** Admins reassign items nobody could be routed to (or anyone's). */
export const adminReassignItemsAction = defineAction({
  name: "admin-reassign-review-items",
  permission: "reviews.manage",
  input: reassignSchema,
  handler: async (input, { principal }) => {
    const result = await reassignItems(getDb(), principal, input);
    revalidatePath("/reviews", "layout");
    return result;
  },
});
