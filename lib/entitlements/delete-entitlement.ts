import type { Db, Tx } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import { actorOf, type Principal } from "@/lib/auth/principal";
import { liveAssignmentWhere } from "@/lib/assignments/live-assignment";
import { DomainError } from "@/lib/errors/domain-error";
import { reconcileLiveSessionsIn } from "@/lib/sessions/reconcile-live-sessions";
import { revokingTransaction } from "@/lib/sessions/revoke-live-sessions";
import { entitlementSnapshot } from "./entitlement-snapshot";

/**
 * Deletes an entitlement nobody holds any more. While a live assignment
 * exists the delete is refused: end the assignments first, deliberately.
 * Ended and expired assignment rows go with it (the foreign key would
 * otherwise keep the entitlement forever); the audit trail keeps their history,
 * and this event lists them.
 */
export async function deleteEntitlement(
  db: Db,
  actor: Principal,
  entitlementId: string,
  now = new Date(),
): Promise<void> {
  await revokingTransaction(db, (tx) => deleteEntitlementIn(tx, actor, entitlementId, now));
}

/** deleteEntitlement inside the caller's transaction: the policy importer applies a whole file in one. */
export async function deleteEntitlementIn(
  tx: Tx,
  actor: Principal,
  entitlementId: string,
  now = new Date(),
): Promise<void> {
  const before = await entitlementSnapshot(tx, entitlementId);
  const live = await tx.assignment.count({ where: { entitlementId, ...liveAssignmentWhere(now) } });
  if (live > 0) {
    throw new DomainError(
      "conflict",
      `This entitlement still has ${live} live assignment(s); end them before deleting it`,
    );
  }
  const past = await tx.assignment.findMany({ where: { entitlementId }, select: { id: true } });
  await tx.assignment.deleteMany({ where: { entitlementId } });
  await tx.entitlement.delete({ where: { id: entitlementId } });
  await recordAudit(tx, {
    action: "entitlement.deleted",
    ...actorOf(actor),
    targetType: "entitlement",
    targetId: entitlementId,
    targetLabel: before.name,
    decision: "allow",
    reason: "Entitlement deleted",
    occurredAt: now,
    detail: { before: { ...before, pastAssignmentIds: past.map((a) => a.id) }, after: null },
  });
  // Nobody holds it, so no live session should rest on it; one that still does (say, an assignment that expired
  // since its last reconciliation) ends here rather than when its token does.
  await reconcileLiveSessionsIn(
    tx,
    actor,
    { sessions: { serverId: before.serverId }, tools: before.toolIds },
    { reason: `Entitlement ${before.name} deleted`, now, operation: { kind: "entitlement_changed", entitlementId } },
  );
}
