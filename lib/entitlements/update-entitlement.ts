import type { Db, Tx } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import { actorOf, type Principal } from "@/lib/auth/principal";
import { DomainError } from "@/lib/errors/domain-error";
import { reconcileLiveSessionsIn } from "@/lib/sessions/reconcile-live-sessions";
import { revokingTransaction } from "@/lib/sessions/revoke-live-sessions";
import { updateEntitlementSchema, type UpdateEntitlementInput } from "./entitlement-schemas";
import { entitlementSnapshot } from "./entitlement-snapshot";
import { requireGrantableTools } from "./require-grantable-tools";

/**
 * Changes an entitlement's name, description, tools and limits. Its holders'
 * access changes with it — that is the point of bundling — so the audit event
 * carries the tool list before and after, and live sessions holding a tool it
 * no longer grants are revoked in the same transaction.
 */
export async function updateEntitlement(
  db: Db,
  actor: Principal,
  raw: UpdateEntitlementInput,
  now = new Date(),
): Promise<void> {
  await revokingTransaction(db, (tx) => updateEntitlementIn(tx, actor, raw, now));
}

/** updateEntitlement inside the caller's transaction: the policy importer applies a whole file in one. */
export async function updateEntitlementIn(
  tx: Tx,
  actor: Principal,
  raw: UpdateEntitlementInput,
  now = new Date(),
): Promise<void> {
  const input = updateEntitlementSchema.parse(raw);
  const before = await entitlementSnapshot(tx, input.entitlementId);
  if (
    input.name !== before.name &&
    (await tx.entitlement.findUnique({ where: { name: input.name }, select: { id: true } }))
  ) {
    throw new DomainError("conflict", "An entitlement with this name already exists", "name");
  }
  const { tools } = await requireGrantableTools(tx, before.serverId, input.toolIds);
  await tx.entitlementTool.deleteMany({ where: { entitlementId: input.entitlementId } });
  await tx.entitlement.update({
    where: { id: input.entitlementId },
    data: {
      name: input.name,
      description: input.description ?? null,
      maxSessionSeconds: input.maxSessionSeconds,
      reauthIntervalSeconds: input.reauthIntervalSeconds ?? null,
      updatedAt: now,
      tools: { create: tools.map((t) => ({ toolId: t.id })) },
    },
  });
  const after = await entitlementSnapshot(tx, input.entitlementId);
  await recordAudit(tx, {
    action: "entitlement.updated",
    ...actorOf(actor),
    targetType: "entitlement",
    targetId: input.entitlementId,
    targetLabel: after.name,
    decision: "allow",
    reason: "Entitlement changed",
    occurredAt: now,
    detail: { before, after },
  });
  // Its holders' live sessions lose the tools it no longer grants (unless another grant still gives them).
  const removed = before.toolIds.filter((id) => !after.toolIds.includes(id));
  if (removed.length > 0) {
    await reconcileLiveSessionsIn(
      tx,
      actor,
      { sessions: { serverId: before.serverId }, tools: removed },
      {
        reason: `Entitlement ${after.name} changed: ${removed.length} tool(s) removed`,
        now,
        operation: { kind: "entitlement_changed", entitlementId: input.entitlementId },
      },
    );
  }
}
