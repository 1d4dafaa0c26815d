import { recordAudit } from "@/lib/audit/record";
import type { Db } from "@/lib/db/client";
import { excludedToolIdsOf } from "@/lib/assignments/excluded-tools";
import { DomainError } from "@/lib/errors/domain-error";
import { reconcileLiveSessionsIn } from "@/lib/sessions/reconcile-live-sessions";
import { revokingTransaction } from "@/lib/sessions/revoke-live-sessions";
import { agentScopeReview } from "./scope-usage";

export const SCOPE_REVIEW_REASON = "Scope review: unused for 90 days";

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
 * Removes the tools of one agent assignment that went unused for 90 days: ends
 * the assignment when none of its tools was used, otherwise narrows it by
 * excluding the unused tools (effective access honours `excludedToolIds`).
 * Usage is recomputed inside the transaction, so a tool called since the page
 * was rendered is kept; the audit event commits with the change, and live
 * sessions of the agent holding a removed tool are revoked in it.
 */
export async function removeUnusedAccess(db: Db, assignmentId: string, actor: AuditActor, now: Date = new Date()): Promise<RemoveUnusedResult> {
  return revokingTransaction(db, async (tx) => {
    const a = await tx.assignment.findUnique({
      where: { id: assignmentId },
      select: { id: true, agentId: true, endedAt: true, expiresAt: true, excludedToolIds: true, entitlement: { select: { name: true } }, agent: { select: { name: true } } },
    });
    if (!a) throw new DomainError("not_found", "That assignment no longer exists.");
    if (!a.agentId) throw new DomainError("invalid", "Scope review only removes access granted to agents.");
    if (a.endedAt || (a.expiresAt && a.expiresAt <= now)) throw new DomainError("conflict", "That assignment has already ended.");

    const review = await agentScopeReview(tx, a.agentId, now);
    const server = review?.servers.find((s) => s.assignments.some((x) => x.assignmentId === assignmentId));
    const reviewed = server?.assignments.find((x) => x.assignmentId === assignmentId);
    if (!server || !reviewed) throw new DomainError("conflict", "That assignment grants no tools any more; nothing to remove.");
    if (reviewed.tooNewToJudge) throw new DomainError("conflict", "That assignment is less than 90 days old: too new to call its tools unused.");
    if (reviewed.unusedToolIds.length === 0) throw new DomainError("conflict", "Every tool of that assignment was used in the last 90 days.");

    const unused = new Set(reviewed.unusedToolIds);
    const removedTools = reviewed.tools.filter((t) => unused.has(t.toolId)).map((t) => ({ toolId: t.toolId, toolName: t.toolName }));
    const targetLabel = `${a.agent?.name ?? a.agentId} — ${a.entitlement.name}`;
    const base = { ...actor, targetType: "assignment", targetId: a.id, targetLabel, decision: "allow" as const, reason: SCOPE_REVIEW_REASON, occurredAt: now };
    // The agent's live sessions holding a removed tool lose it now, not when their tokens expire.
    const reconcile = () =>
      reconcileLiveSessionsIn(
        tx, actor, { sessions: { agentId: a.agentId!, serverId: server.serverId }, tools: [...unused] },
        { reason: SCOPE_REVIEW_REASON, now, operation: { kind: "access_removed", serverId: server.serverId, assignmentId: a.id } },
      );

    if (unused.size === reviewed.tools.length) {
      await tx.assignment.update({ where: { id: a.id }, data: { endedAt: now, endedReason: SCOPE_REVIEW_REASON } });
      await recordAudit(tx, {
        ...base,
        action: "assignment.ended",
        detail: { before: { endedAt: null }, after: { endedAt: now.toISOString(), endedReason: SCOPE_REVIEW_REASON }, removedTools },
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
  });
}
