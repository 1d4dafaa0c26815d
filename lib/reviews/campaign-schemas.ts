import { z } from "zod";

export const REVIEWER_POLICIES = ["agent_owner", "server_owner", "manager", "named"] as const;
export type ReviewerPolicy = (typeof REVIEWER_POLICIES)[number];
export const UNREVIEWED_POLICIES = ["keep", "remove"] as const;
export type UnreviewedPolicy = (typeof UNREVIEWED_POLICIES)[number];

export const REVIEWER_POLICY_LABELS: Record<ReviewerPolicy, string> = {
  agent_owner: "The agent's owner",
  server_owner: "The server's owner",
  manager: "The person's manager (for agents: the owner's manager)",
  named: "Named reviewers",
};

const ids = z.array(z.string().min(1).max(200)).max(500);

/** Which live assignments a campaign covers; every filter given must match (empty lists: no filter). */
export const campaignScopeSchema = z.object({
  serverIds: ids.default([]),
  agentIds: ids.default([]),
  /** Agents owned by these people. */
  ownerIds: ids.default([]),
  entitlementIds: ids.default([]),
  /** Only assignments whose highest-risk tool is at least this. */
  minRisk: z.enum(["read", "write", "destructive"]).optional(),
  principalTypes: z
    .array(z.enum(["agent", "user", "group"]))
    .max(3)
    .default([]),
});
export type CampaignScope = z.output<typeof campaignScopeSchema>;

const optionalDays = z.preprocess(
  (v) => (v === "" || v === null ? undefined : typeof v === "string" ? Number(v) : v),
  z.number().int().min(1).max(365).optional(),
);

export const createCampaignSchema = z
  .object({
    name: z.string().trim().min(3, "At least 3 characters").max(120),
    description: z.string().trim().max(1000).optional(),
    scope: campaignScopeSchema,
    reviewerPolicy: z.enum(REVIEWER_POLICIES),
    namedReviewerIds: ids.default([]),
    fallbackReviewerId: z.string().min(1, "Choose a fallback reviewer").max(200),
    secondLevelReviewerId: z.preprocess((v) => (v === "" ? undefined : v), z.string().min(1).max(200).optional()),
    unreviewedPolicy: z.enum(UNREVIEWED_POLICIES).default("keep"),
    dueAt: z.preprocess((v) => (typeof v === "string" && v ? new Date(v) : v), z.date({ error: "Choose a due date" })),
    reminderIntervalDays: optionalDays,
    escalateAfterDays: z.preprocess(
      (v) => (v === "" || v === null ? undefined : typeof v === "string" ? Number(v) : v),
      z.number().int().min(0).max(365).optional(),
    ),
    recurrenceDays: optionalDays,
  })
  .refine((c) => c.reviewerPolicy !== "named" || c.namedReviewerIds.length > 0, {
    message: "Name at least one reviewer",
    path: ["namedReviewerIds"],
  });
export type CreateCampaignInput = z.input<typeof createCampaignSchema>;

export const DECISIONS = ["certify", "revoke", "reduce"] as const;
export type Decision = (typeof DECISIONS)[number];

export const decideSchema = z.object({
  itemIds: z.array(z.string().min(1).max(200)).min(1, "Choose at least one item").max(500, "At most 500 items at once"),
  decision: z.enum(DECISIONS),
  justification: z.string().trim().max(1000).optional(),
  /** reduce: the tools to keep (one item only). */
  keptToolIds: z.array(z.string().min(1).max(200)).max(500).optional(),
  /** The reviewer saw the rubber-stamp warning and goes on. */
  acknowledgeRubberStamp: z.boolean().optional(),
});
export type DecideInput = z.input<typeof decideSchema>;

/** Undo: the reviewer's decisions go back to pending (until the campaign closes). */
export const resetDecisionSchema = z.object({
  itemIds: z.array(z.string().min(1).max(200)).min(1, "Choose at least one item").max(500, "At most 500 items at once"),
});
export type ResetDecisionInput = z.input<typeof resetDecisionSchema>;

export const reassignSchema = z.object({
  itemIds: z.array(z.string().min(1).max(200)).min(1).max(500),
  reviewerId: z.string().min(1, "Choose a reviewer").max(200),
  note: z.string().trim().min(3, "Say why (at least 3 characters)").max(500),
});
export type ReassignInput = z.input<typeof reassignSchema>;
