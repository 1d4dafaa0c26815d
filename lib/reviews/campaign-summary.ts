import type { Db } from "@/lib/db/client";
import { campaignScopeSchema, REVIEWER_POLICY_LABELS, type ReviewerPolicy } from "./campaign-schemas";

/** Who started and ended a campaign, when, and what it covered: the head of its report. */
export interface CampaignSummary {
  name: string;
  status: string;
  description: string | null;
  /** "MCP servers: GitHub Enterprise, Jira Cloud" and so on; empty when the campaign covers every live assignment. */
  scope: { label: string; values: string[] }[];
  reviewerPolicy: string;
  unreviewedPolicy: "keep" | "remove";
  dueAt: Date;
  createdBy: string | null;
  launched: { at: Date; by: string | null } | null;
  closed: { at: Date; by: string | null } | null;
}

const RISK_LABELS = { read: "read or higher", write: "write or higher", destructive: "destructive" } as const;
const PRINCIPAL_LABELS = { agent: "Agents", user: "People", group: "Groups" } as const;

/**
 * The scope is kept as ids (campaign-schemas.ts); a report names them. The
 * launcher and closer are whoever the audit trail says did it — the same
 * events the trail shows, so the report and the trail cannot disagree.
 */
export async function campaignSummary(db: Db, campaignId: string): Promise<CampaignSummary | null> {
  const campaign = await db.reviewCampaign.findUnique({
    where: { id: campaignId },
    include: { createdBy: { select: { email: true } } },
  });
  if (!campaign) return null;
  const parsed = campaignScopeSchema.safeParse(campaign.scope);
  const scope = parsed.success ? parsed.data : campaignScopeSchema.parse({});
  const [servers, agents, owners, entitlements, events] = await Promise.all([
    scope.serverIds.length
      ? db.mcpServer.findMany({
          where: { id: { in: scope.serverIds } },
          select: { name: true },
          orderBy: { name: "asc" },
        })
      : [],
    scope.agentIds.length
      ? db.agent.findMany({ where: { id: { in: scope.agentIds } }, select: { name: true }, orderBy: { name: "asc" } })
      : [],
    scope.ownerIds.length
      ? db.user.findMany({
          where: { id: { in: scope.ownerIds } },
          select: { displayName: true },
          orderBy: { displayName: "asc" },
        })
      : [],
    scope.entitlementIds.length
      ? db.entitlement.findMany({
          where: { id: { in: scope.entitlementIds } },
          select: { name: true },
          orderBy: { name: "asc" },
        })
      : [],
    db.auditEvent.findMany({
      where: { targetId: campaignId, action: { in: ["review.campaign_launched", "review.campaign_closed"] } },
      orderBy: { occurredAt: "desc" },
      select: { action: true, actorLabel: true, actorId: true, occurredAt: true },
    }),
  ]);
  const last = (action: string) => {
    const e = events.find((x) => x.action === action);
    return e ? { at: e.occurredAt, by: e.actorLabel ?? e.actorId } : null;
  };
  const parts: { label: string; values: string[] }[] = [
    { label: "MCP servers", values: servers.map((s) => s.name) },
    { label: "Agents", values: agents.map((a) => a.name) },
    { label: "Agents owned by", values: owners.map((o) => o.displayName) },
    { label: "Entitlements", values: entitlements.map((e) => e.name) },
    { label: "Minimum risk", values: scope.minRisk ? [RISK_LABELS[scope.minRisk]] : [] },
    { label: "Holders", values: scope.principalTypes.map((t) => PRINCIPAL_LABELS[t]) },
  ];
  return {
    name: campaign.name,
    status: campaign.status,
    description: campaign.description,
    scope: parts.filter((p) => p.values.length > 0),
    reviewerPolicy: REVIEWER_POLICY_LABELS[campaign.reviewerPolicy as ReviewerPolicy] ?? campaign.reviewerPolicy,
    unreviewedPolicy: campaign.unreviewedPolicy === "remove" ? "remove" : "keep",
    dueAt: campaign.dueAt,
    createdBy: campaign.createdBy?.email ?? null,
    launched: last("review.campaign_launched") ?? (campaign.launchedAt ? { at: campaign.launchedAt, by: null } : null),
    closed: last("review.campaign_closed") ?? (campaign.closedAt ? { at: campaign.closedAt, by: null } : null),
  };
}
