import { recordAudit } from "@/lib/audit/record";
import type { Db, Tx } from "@/lib/db/client";
import { excludedToolIdsOf } from "@/lib/assignments/excluded-tools";
import { DomainError } from "@/lib/errors/domain-error";
import { reconcileLiveSessionsIn } from "@/lib/sessions/reconcile-live-sessions";
import { revokingTransaction } from "@/lib/sessions/revoke-live-sessions";
import { z } from "zod";
import { agentScopeReview } from "./scope-usage";

export const SCOPE_REVIEW_REASON = "Scope review: unused for 90 days";

/** One or many assignments right-sized at once, with the reason the person gives (recorded beside the rule). */
export const removeUnusedAccessSchema = z.object({
  assignmentIds: z.array(z.string().min(1).max(200)).min(1).max(500),
  reason: z.string().trim().min(3, "Say why (at least 3 characters).").max(500),
});
export type RemoveUnusedAccessInput = z.input<typeof removeUnusedAccessSchema>;

/** What the audit trail and the ended assignment say: the rule that found the access unused, then the person's reason. */
export const scopeReviewReason = (reason: string) => `${SCOPE_REVIEW_REASON} — ${reason}`;

export interface RemoveUnusedResult {
  outcome: "ended" | "narrowed";
  assignmentId: string;
  removedTools: { toolId: string; toolName: string }[];
}

export interface AuditActor {
  actorType: "user" | "apikey" | "system";
  actorId: string | null;
  actorLabel: string;
}

/**
 * Removes, for each given agent assignment, the tools that went unused for 90
 * days: ends the assignment when none of its tools was used, otherwise narrows
 * it by excluding the unused tools (effective access honours
 * `excludedToolIds`). All of them in one transaction — one refusal (an
 * assignment used since the page was rendered, ended, or too new) changes
 * nothing. Usage is recomputed inside the transaction; each audit event
 * commits with its change and carries the person's reason, and live sessions
 * of the agent holding a removed tool are revoked in it, as a review's
 * remediation does.
 */
export async function removeUnusedAccess(
  db: Db,
  raw: RemoveUnusedAccessInput,
  actor: AuditActor,
  now: Date = new Date(),
): Promise<RemoveUnusedResult[]> {
  const input = removeUnusedAccessSchema.parse(raw);
  const reason = scopeReviewReason(input.reason);
  return revokingTransaction(db, async (tx) => {
    const results: RemoveUnusedResult[] = [];
    for (const id of new Set(input.assignmentIds)) results.push(await removeUnusedAccessIn(tx, id, reason, actor, now));
    return results;
  });
}

async function removeUnusedAccessIn(
  tx: Tx,
  assignmentId: string,
  reason: string,
  actor: AuditActor,
  now: Date,
): Promise<RemoveUnusedResult> {
  const a = await tx.assignment.findUnique({
    where: { id: assignmentId },
    select: {
      id: true,
      agentId: true,
      endedAt: true,
      expiresAt: true,
      excludedToolIds: true,
      entitlement: { select: { name: true } },
      agent: { select: { name: true } },
    },
  });
  if (!a) throw new DomainError("not_found", "That assignment no longer exists.");
  if (!a.agentId) throw new DomainError("invalid", "Scope review only removes access granted to agents.");
  if (a.endedAt || (a.expiresAt && a.expiresAt <= now))
    throw new DomainError("conflict", "That assignment has already ended.");

  const review = await agentScopeReview(tx, a.agentId, now);
  const server = review?.servers.find((s) => s.assignments.some((x) => x.assignmentId === assignmentId));
  const reviewed = server?.assignments.find((x) => x.assignmentId === assignmentId);
  if (!server || !reviewed)
    throw new DomainError("conflict", "That assignment grants no tools any more; nothing to remove.");
  if (reviewed.tooNewToJudge)
    throw new DomainError("conflict", "That assignment is less than 90 days old: too new to call its tools unused.");
  if (reviewed.unusedToolIds.length === 0)
    throw new DomainError("conflict", "Every tool of that assignment was used in the last 90 days.");

  const unused = new Set(reviewed.unusedToolIds);
  const removedTools = reviewed.tools
    .filter((t) => unused.has(t.toolId))
    .map((t) => ({ toolId: t.toolId, toolName: t.toolName }));
  const targetLabel = `${a.agent?.name ?? a.agentId} — ${a.entitlement.name}`;
  const base = {
    ...actor,
    targetType: "assignment",
    targetId: a.id,
    targetLabel,
    decision: "allow" as const,
    reason,
    occurredAt: now,
  };
  // The agent's live sessions holding a removed tool lose it now, not when their tokens expire.
  const reconcile = () =>
    reconcileLiveSessionsIn(
      tx,
      actor,
      { sessions: { agentId: a.agentId!, serverId: server.serverId }, tools: [...unused] },
      { reason, now, operation: { kind: "access_removed", serverId: server.serverId, assignmentId: a.id } },
    );

  if (unused.size === reviewed.tools.length) {
    await tx.assignment.update({ where: { id: a.id }, data: { endedAt: now, endedReason: reason } });
    await recordAudit(tx, {
      ...base,
      action: "assignment.ended",
      detail: { before: { endedAt: null }, after: { endedAt: now.toISOString(), endedReason: reason }, removedTools },
    });
    await reconcile();
    return { outcome: "ended", assignmentId: a.id, removedTools };
  }

  const before = excludedToolIdsOf(a.excludedToolIds);
  const after = [...new Set([...before, ...unused])];
  await tx.assignment.update({ where: { id: a.id }, data: { excludedToolIds: after } });
  await recordAudit(tx, {
    ...base,
    action: "assignment.updated",
    detail: { before: { excludedToolIds: before }, after: { excludedToolIds: after }, removedTools },
  });
  await reconcile();
  return { outcome: "narrowed", assignmentId: a.id, removedTools };
}
