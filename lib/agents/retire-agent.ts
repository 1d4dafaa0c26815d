import type { Db, Tx } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import { actorOf, type Principal } from "@/lib/auth/principal";
import { endLiveAssignmentsOfAgent } from "@/lib/assignments/end-live-assignments";
import { DomainError } from "@/lib/errors/domain-error";
import { revokingTransaction } from "@/lib/sessions/revoke-live-sessions";
import { agentSnapshot } from "./agent-snapshot";
import { findAgentOrThrow } from "./find-agent";

/**
 * Retires an agent for good. The row stays (audit events, sessions and
 * reviews point at it) but its credentials are dropped and every live
 * assignment ends with the given reason, its live sessions with them, in the
 * same transaction.
 */
export async function retireAgent(
  db: Db,
  actor: Principal,
  agentId: string,
  reason: string,
  now = new Date(),
): Promise<{ endedAssignmentIds: string[] }> {
  return revokingTransaction(db, (tx) => retireAgentIn(tx, actor, agentId, reason, now));
}

/** retireAgent inside the caller's transaction: the policy importer applies a whole file in one. */
export async function retireAgentIn(
  tx: Tx,
  actor: Principal,
  agentId: string,
  reason: string,
  now = new Date(),
): Promise<{ endedAssignmentIds: string[] }> {
  const before = await findAgentOrThrow(tx, agentId);
  if (before.status === "retired") throw new DomainError("conflict", "This agent is already retired");
  const endedReason = `Agent retired: ${reason}`;
  const endedAssignmentIds = await endLiveAssignmentsOfAgent(tx, actorOf(actor), agentId, endedReason, now);
  const after = await tx.agent.update({
    where: { id: agentId },
    // A retired client must never authenticate again, even if the status check were bypassed.
    data: { status: "retired", retiredAt: now, clientSecretHash: null, updatedAt: now },
  });
  await recordAudit(tx, {
    action: "agent.retired",
    ...actorOf(actor),
    targetType: "agent",
    targetId: agentId,
    targetLabel: before.name,
    decision: "allow",
    reason,
    occurredAt: now,
    detail: { before: agentSnapshot(before), after: { ...agentSnapshot(after), endedAssignmentIds } },
  });
  return { endedAssignmentIds };
}
