import { recordAudit } from "@/lib/audit/record";
import { actorOf, type Principal } from "@/lib/auth/principal";
import type { Db, Tx } from "@/lib/db/client";
import { RISK_RANK } from "@/lib/entitlements/risk";
import { DomainError } from "@/lib/errors/domain-error";
import { openMicroCertificationsForRiskRise } from "@/lib/reviews/micro-certification";
import { updateToolSchema, type UpdateToolInput } from "./tool-schemas";
import { toolSnapshot } from "./tool-snapshot";

/**
 * Sets a tool's risk and/or scope. Its status is left alone: the admin who
 * edits is also the one who approves, and the audit event shows both values.
 */
export async function updateTool(db: Db, principal: Principal, raw: UpdateToolInput): Promise<{ id: string }> {
  return db.$transaction((tx) => updateToolIn(tx, principal, raw));
}

/** updateTool inside the caller's transaction: the policy importer applies a whole file in one. */
export async function updateToolIn(tx: Tx, principal: Principal, raw: UpdateToolInput): Promise<{ id: string }> {
  const input = updateToolSchema.parse(raw);
  const before = await tx.tool.findUnique({
    where: { id: input.toolId },
    include: { server: { select: { name: true } } },
  });
  if (!before) throw new DomainError("not_found", "This tool no longer exists");
  const after = await tx.tool.update({
    where: { id: before.id },
    data: { ...(input.risk ? { risk: input.risk } : {}), ...(input.scope ? { scope: input.scope } : {}) },
  });
  await recordAudit(tx, {
    action: "tool.updated",
    ...actorOf(principal),
    targetType: "tool",
    targetId: after.id,
    targetLabel: `${before.server.name} / ${after.name}`,
    decision: "info",
    detail: { serverId: after.serverId, before: toolSnapshot(before), after: toolSnapshot(after) },
  });
  // A riskier tool changes what every holder of it was certified for: each gets a one-item review.
  if (RISK_RANK[after.risk] > RISK_RANK[before.risk]) {
    await openMicroCertificationsForRiskRise(tx, after.id, before.risk, after.risk, new Date(), actorOf(principal));
  }
  return { id: after.id };
}
