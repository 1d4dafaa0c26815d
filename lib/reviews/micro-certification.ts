import { randomBytes } from "node:crypto";
import type { Db, Tx } from "@/lib/db/client";
import { toolsCalledBetween } from "@/lib/db/stores/reviews";
import { recordAudit, type AuditInput } from "@/lib/audit/record";
import { liveAssignmentWhere } from "@/lib/assignments/live-assignment";
import { entitlementCatalog } from "@/lib/entitlements/entitlement-catalog";
import { timeOrderedId } from "@/lib/ids/time-ordered-id";
import { eligibleReviewerIds } from "./eligible-reviewers";
import { inScopeAssignments } from "./in-scope-assignments";
import { mayReview } from "./route-reviewer";
import { reviewerFacts } from "./self-review";

export const MICRO_TRIGGERS = ["owner_left", "unused", "risk_raised"] as const;
export type MicroTrigger = (typeof MICRO_TRIGGERS)[number];
export const MICRO_TRIGGER_LABELS: Record<MicroTrigger, string> = {
  owner_left: "Agent's owner left",
  unused: "Grant unused",
  risk_raised: "Tool risk raised",
};
/** A micro-certification is due this many days after the event. */
export const MICRO_DUE_DAYS = 14;
const DAY_MS = 86_400_000;

type Actor = Pick<AuditInput, "actorType" | "actorId" | "actorLabel">;
const SYSTEM: Actor = { actorType: "system", actorId: null, actorLabel: "mandate access reviews" };

export interface OpenMicroInput {
  assignmentId: string;
  trigger: MicroTrigger;
  /** What happened, in words, for the reviewer and the audit trail. */
  reason: string;
  now?: Date;
  actor?: Actor;
  /** owner_left: the person who left (their manager reviews first). */
  departedOwnerId?: string;
}

/**
 * Opens a one-item review of one live assignment, inside the caller's
 * transaction (so the event that caused it and the review commit together).
 * The reviewer: for a departed owner, that person's manager; otherwise the
 * agent's owner; then the server's owner; then the first person with the
 * reviewer role who may review it. Returns null when the assignment is not
 * live or already has an open micro-certification for the same trigger.
 * For the directory-sync code: call it when an agent's owner is deactivated
 * (or use `openMicroCertificationsForDepartedOwner`).
 */
export async function openMicroCertification(
  tx: Tx,
  input: OpenMicroInput,
): Promise<{ campaignId: string; itemId: string } | null> {
  const now = input.now ?? new Date();
  const open = await tx.reviewItem.findFirst({
    where: {
      assignmentId: input.assignmentId,
      status: "pending",
      campaign: { kind: "micro", trigger: input.trigger, status: "active" },
    },
    select: { id: true },
  });
  if (open) return null;
  const [scoped] = await inScopeAssignments(
    tx,
    { serverIds: [], agentIds: [], ownerIds: [], entitlementIds: [], principalTypes: [] },
    now,
    [input.assignmentId],
  );
  if (!scoped) return null;
  const snap = scoped.snapshot;
  const eligible = await eligibleReviewerIds(tx);
  const facts = await reviewerFacts(tx, [...eligible], now);
  const departedManager = input.departedOwnerId
    ? ((await tx.user.findUnique({ where: { id: input.departedOwnerId }, select: { managerId: true } }))?.managerId ??
      null)
    : null;
  const orderedEligible = (
    await tx.user.findMany({ where: { id: { in: [...eligible] } }, orderBy: { email: "asc" }, select: { id: true } })
  ).map((u) => u.id);
  const candidates = [
    input.trigger === "owner_left" ? departedManager : snap.agentOwnerId,
    snap.serverOwnerId,
    ...orderedEligible,
  ];
  const reviewerId = candidates.find((c) => mayReview({ eligible, facts }, c, snap)) ?? null;

  const actor = input.actor ?? SYSTEM;
  const campaign = await tx.reviewCampaign.create({
    data: {
      name: `Micro-certification: ${snap.principalLabel} — ${snap.entitlementName} (${input.trigger}, ${randomBytes(3).toString("hex")})`,
      description: input.reason,
      kind: "micro",
      trigger: input.trigger,
      status: "active",
      scope: { assignmentIds: [input.assignmentId] },
      reviewerPolicy: input.trigger === "owner_left" ? "manager" : "agent_owner",
      fallbackReviewerId: reviewerId,
      unreviewedPolicy: "keep",
      dueAt: new Date(now.getTime() + MICRO_DUE_DAYS * DAY_MS),
      escalateAfterDays: 0,
      itemCount: 1,
      launchedCount: 1,
      createdAt: now,
      launchedAt: now,
    },
  });
  const item = await tx.reviewItem.create({
    data: {
      id: timeOrderedId(now.getTime()),
      campaignId: campaign.id,
      assignmentId: input.assignmentId,
      snapshot: snap as object,
      risk: scoped.risk,
      reviewerId,
      createdAt: now,
    },
  });
  await recordAudit(tx, {
    action: "review.micro_opened",
    ...actor,
    targetType: "review_campaign",
    targetId: campaign.id,
    targetLabel: `${snap.principalLabel} — ${snap.entitlementName}`,
    decision: "info",
    reason: input.reason,
    occurredAt: now,
    detail: { trigger: input.trigger, assignmentId: input.assignmentId, itemId: item.id, reviewerId },
  });
  return { campaignId: campaign.id, itemId: item.id };
}

/** An agent owner left: one micro-certification per live assignment of each agent they owned. */
export async function openMicroCertificationsForDepartedOwner(
  tx: Tx,
  ownerId: string,
  now = new Date(),
  actor?: Actor,
): Promise<number> {
  const owner = await tx.user.findUnique({ where: { id: ownerId }, select: { email: true } });
  const assignments = await tx.assignment.findMany({
    where: { agent: { ownerId }, ...liveAssignmentWhere(now) },
    select: { id: true },
  });
  let opened = 0;
  for (const a of assignments) {
    const r = await openMicroCertification(tx, {
      assignmentId: a.id,
      trigger: "owner_left",
      reason: `The agent's owner ${owner?.email ?? ownerId} left`,
      now,
      actor,
      departedOwnerId: ownerId,
    });
    if (r) opened++;
  }
  return opened;
}

/** A tool's risk rose: one micro-certification per live assignment of an entitlement that grants it. */
export async function openMicroCertificationsForRiskRise(
  tx: Tx,
  toolId: string,
  from: string,
  to: string,
  now = new Date(),
  actor?: Actor,
): Promise<number> {
  const tool = await tx.tool.findUnique({ where: { id: toolId }, select: { name: true, status: true } });
  if (!tool || tool.status !== "approved") return 0;
  const assignments = await tx.assignment.findMany({
    where: { entitlement: { tools: { some: { toolId } } }, ...liveAssignmentWhere(now) },
    select: { id: true, excludedToolIds: true },
  });
  let opened = 0;
  for (const a of assignments) {
    if (Array.isArray(a.excludedToolIds) && (a.excludedToolIds as unknown[]).includes(toolId)) continue;
    const r = await openMicroCertification(tx, {
      assignmentId: a.id,
      trigger: "risk_raised",
      reason: `Tool ${tool.name} went from ${from} to ${to} risk`,
      now,
      actor,
    });
    if (r) opened++;
  }
  return opened;
}

/**
 * The scheduled scan: agent assignments older than `days` none of whose tools
 * the agent called in the last `days` days each get a micro-certification
 * (once: not while one is open for them).
 */
export async function scanUnusedGrants(db: Db, days: number, now = new Date(), actor?: Actor): Promise<number> {
  const since = new Date(now.getTime() - days * DAY_MS);
  const used = new Set((await toolsCalledBetween(db, since, now)).map((r) => `${r.agentId} ${r.toolId}`));
  const catalog = await entitlementCatalog(db);
  const candidates = await db.assignment.findMany({
    where: { agentId: { not: null }, createdAt: { lte: since }, ...liveAssignmentWhere(now) },
    select: { id: true, agentId: true, entitlementId: true, excludedToolIds: true },
  });
  let opened = 0;
  for (const a of candidates) {
    const excluded = new Set(Array.isArray(a.excludedToolIds) ? (a.excludedToolIds as string[]) : []);
    const tools = (catalog.entitlements.get(a.entitlementId)?.tools ?? []).filter((t) => !excluded.has(t.toolId));
    if (tools.length === 0 || tools.some((t) => used.has(`${a.agentId} ${t.toolId}`))) continue;
    const r = await db.$transaction((tx) =>
      openMicroCertification(tx, {
        assignmentId: a.id,
        trigger: "unused",
        reason: `None of its tools was called in ${days} days`,
        now,
        actor,
      }),
    );
    if (r) opened++;
  }
  return opened;
}
