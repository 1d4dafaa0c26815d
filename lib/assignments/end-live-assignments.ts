import type { Tx } from "@/lib/db/client";
import { recordAudit, type AuditInput } from "@/lib/audit/record";
import { reconcileLiveSessionsIn } from "@/lib/sessions/reconcile-live-sessions";
import { liveAssignmentWhere } from "./live-assignment";

type Actor = Pick<AuditInput, "actorType" | "actorId" | "actorLabel">;

/**
 * Ends every live assignment of an agent inside the caller's transaction (used
 * when the agent is retired), one audit event each so an assignment's history
 * reads complete on its own, and revokes the live sessions that lose access
 * with them. Rows are kept: ended, not deleted.
 */
export async function endLiveAssignmentsOfAgent(
  tx: Tx,
  actor: Actor,
  agentId: string,
  reason: string,
  now: Date,
): Promise<string[]> {
  const live = await tx.assignment.findMany({
    where: { agentId, ...liveAssignmentWhere(now) },
    select: { id: true, entitlement: { select: { name: true } } },
  });
  if (live.length === 0) return [];
  for (const a of live) {
    await tx.assignment.update({ where: { id: a.id }, data: { endedAt: now, endedReason: reason } });
    await recordAudit(tx, {
      action: "assignment.ended",
      ...actor,
      targetType: "assignment",
      targetId: a.id,
      targetLabel: a.entitlement.name,
      decision: "allow",
      reason,
      occurredAt: now,
      detail: { before: { endedAt: null, endedReason: null }, after: { endedAt: now, endedReason: reason } },
    });
  }
  // Its live sessions have nothing left to stand on: revoked with the grants.
  await reconcileLiveSessionsIn(
    tx,
    actor,
    { sessions: { agentId } },
    { reason, now, operation: { kind: "assignment_ended", assignmentIds: live.map((a) => a.id) } },
  );
  return live.map((a) => a.id);
}
