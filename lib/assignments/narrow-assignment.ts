import { recordAudit } from "@/lib/audit/record";
import { actorOf, type Principal } from "@/lib/auth/principal";
import type { Tx } from "@/lib/db/client";
import { DomainError } from "@/lib/errors/domain-error";
import { reconcileLiveSessionsIn, sessionsOfHolder } from "@/lib/sessions/reconcile-live-sessions";
import { narrowAssignmentSchema, type NarrowAssignmentInput } from "./assignment-schemas";
import { excludedToolIdsOf, requireValidExclusions } from "./excluded-tools";

/**
 * Leaves more of an entitlement's tools out of one live grant, in place (the
 * grant keeps its id, expiry and history), as a "reduce" decision does. It
 * only ever narrows: giving tools back is a new grant, with every check a
 * grant gets (separation of duties included). Live sessions that lose a tool
 * are revoked in the same transaction (reconcileLiveSessionsIn).
 */
export async function narrowAssignmentIn(
  tx: Tx,
  actor: Principal,
  raw: NarrowAssignmentInput,
  now = new Date(),
): Promise<void> {
  const input = narrowAssignmentSchema.parse(raw);
  const a = await tx.assignment.findUnique({
    where: { id: input.assignmentId },
    select: {
      id: true,
      entitlementId: true,
      endedAt: true,
      expiresAt: true,
      excludedToolIds: true,
      principalType: true,
      agentId: true,
      userId: true,
      groupId: true,
      entitlement: { select: { name: true, serverId: true } },
    },
  });
  if (!a) throw new DomainError("not_found", "No such assignment");
  if (a.endedAt || (a.expiresAt && a.expiresAt <= now))
    throw new DomainError("conflict", "This assignment has already ended");
  const before = excludedToolIdsOf(a.excludedToolIds).sort();
  const after = input.excludedToolIds;
  if (before.some((id) => !after.includes(id))) {
    throw new DomainError(
      "conflict",
      "Narrowing only excludes more tools; to give tools back, grant the entitlement again",
      "excludedToolIds",
    );
  }
  if (after.length === before.length) return;
  await requireValidExclusions(tx, a.entitlementId, after);
  await tx.assignment.update({ where: { id: a.id }, data: { excludedToolIds: after } });
  await recordAudit(tx, {
    action: "assignment.updated",
    ...actorOf(actor),
    targetType: "assignment",
    targetId: a.id,
    targetLabel: a.entitlement.name,
    decision: "allow",
    reason: input.reason,
    occurredAt: now,
    detail: { before: { excludedToolIds: before }, after: { excludedToolIds: after } },
  });
  // Live sessions holding a tool excluded now lose it at their next call (unless another grant still gives it).
  const principalId = a.agentId ?? a.userId ?? a.groupId;
  if (!principalId) return;
  const removed = after.filter((id) => !before.includes(id));
  await reconcileLiveSessionsIn(
    tx,
    actor,
    {
      sessions: { ...sessionsOfHolder(a.principalType, principalId), serverId: a.entitlement.serverId },
      tools: removed,
    },
    {
      reason: `Assignment narrowed: ${input.reason}`,
      now,
      operation: { kind: "assignment_narrowed", assignmentId: a.id },
    },
  );
}
