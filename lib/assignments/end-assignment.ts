import type { Db, Tx } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import { actorOf, type Principal } from "@/lib/auth/principal";
import { DomainError } from "@/lib/errors/domain-error";
import { endAssignmentSchema, type EndAssignmentInput } from "./assignment-schemas";

/** Ends an assignment now. The row stays, with who-why in the audit trail; ending twice is a no-op. */
export async function endAssignment(db: Db, actor: Principal, raw: EndAssignmentInput, now = new Date()): Promise<void> {
  await db.$transaction((tx) => endAssignmentIn(tx, actor, raw, now));
}

/** endAssignment inside the caller's transaction: the policy importer applies a whole file in one. */
export async function endAssignmentIn(tx: Tx, actor: Principal, raw: EndAssignmentInput, now = new Date()): Promise<void> {
  const input = endAssignmentSchema.parse(raw);
  const before = await tx.assignment.findUnique({ where: { id: input.assignmentId }, include: { entitlement: { select: { name: true } } } });
  if (!before) throw new DomainError("not_found", "No such assignment");
  if (before.endedAt) return;
  await tx.assignment.update({ where: { id: before.id }, data: { endedAt: now, endedReason: input.reason } });
  await recordAudit(tx, {
    action: "assignment.ended", ...actorOf(actor), targetType: "assignment", targetId: before.id, targetLabel: before.entitlement.name,
    decision: "allow", reason: input.reason, occurredAt: now,
    detail: { before: { endedAt: null, endedReason: null, expiresAt: before.expiresAt }, after: { endedAt: now, endedReason: input.reason, expiresAt: before.expiresAt } },
  });
}
