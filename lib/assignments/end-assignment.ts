import type { Db, Tx } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import { actorOf, type Principal } from "@/lib/auth/principal";
import { DomainError } from "@/lib/errors/domain-error";
import { reconcileLiveSessionsIn, sessionsOfHolder } from "@/lib/sessions/reconcile-live-sessions";
import { revokingTransaction } from "@/lib/sessions/revoke-live-sessions";
import { endAssignmentSchema, type EndAssignmentInput } from "./assignment-schemas";

/** Ends an assignment now. The row stays, with who-why in the audit trail; ending twice is a no-op. */
export async function endAssignment(
  db: Db,
  actor: Principal,
  raw: EndAssignmentInput,
  now = new Date(),
): Promise<void> {
  await revokingTransaction(db, (tx) => endAssignmentIn(tx, actor, raw, now));
}

/**
 * endAssignment inside the caller's transaction (the policy importer applies a whole file in one). Live sessions
 * that lose a tool with it are revoked in the same transaction (reconcileLiveSessionsIn): open it with
 * `revokingTransaction` so this instance's gateway hears of them at once.
 */
export async function endAssignmentIn(
  tx: Tx,
  actor: Principal,
  raw: EndAssignmentInput,
  now = new Date(),
): Promise<void> {
  const input = endAssignmentSchema.parse(raw);
  const before = await tx.assignment.findUnique({
    where: { id: input.assignmentId },
    include: { entitlement: { select: { name: true, serverId: true, tools: { select: { toolId: true } } } } },
  });
  if (!before) throw new DomainError("not_found", "No such assignment");
  if (before.endedAt) return;
  await tx.assignment.update({ where: { id: before.id }, data: { endedAt: now, endedReason: input.reason } });
  await recordAudit(tx, {
    action: "assignment.ended",
    ...actorOf(actor),
    targetType: "assignment",
    targetId: before.id,
    targetLabel: before.entitlement.name,
    decision: "allow",
    reason: input.reason,
    occurredAt: now,
    detail: {
      before: { endedAt: null, endedReason: null, expiresAt: before.expiresAt },
      after: { endedAt: now, endedReason: input.reason, expiresAt: before.expiresAt },
    },
  });
  const principalId = before.agentId ?? before.userId ?? before.groupId;
  if (!principalId) return;
  await reconcileLiveSessionsIn(
    tx,
    actor,
    {
      sessions: { ...sessionsOfHolder(before.principalType, principalId), serverId: before.entitlement.serverId },
      tools: before.entitlement.tools.map((t) => t.toolId),
    },
    {
      reason: `Assignment ended: ${input.reason}`,
      now,
      operation: { kind: "assignment_ended", assignmentIds: [before.id] },
    },
  );
}
