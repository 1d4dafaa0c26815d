import { recordAudit } from "@/lib/audit/record";
import { actorOf, type Principal } from "@/lib/auth/principal";
import type { Db, Tx } from "@/lib/db/client";
import { DomainError } from "@/lib/errors/domain-error";
import { toolDecisionSchema, type ToolDecisionInput } from "./tool-schemas";
import { toolSnapshot } from "./tool-snapshot";

/**
 * Makes a tool ungrantable. Rejecting an approved tool withdraws it: the
 * entitlement and token code grant only tools whose status is `approved`.
 */
export async function rejectTool(db: Db, principal: Principal, raw: ToolDecisionInput): Promise<{ id: string }> {
  return db.$transaction((tx) => rejectToolIn(tx, principal, raw));
}

/** rejectTool inside the caller's transaction: the policy importer applies a whole file in one. */
export async function rejectToolIn(tx: Tx, principal: Principal, raw: ToolDecisionInput): Promise<{ id: string }> {
  const input = toolDecisionSchema.parse(raw);
  const before = await tx.tool.findUnique({ where: { id: input.toolId }, include: { server: { select: { name: true } } } });
  if (!before) throw new DomainError("not_found", "This tool no longer exists");
  if (before.status === "rejected") throw new DomainError("conflict", `${before.name} is already rejected`);
  if (before.status === "removed") {
    throw new DomainError("conflict", `${before.name} is no longer listed by ${before.server.name}; there is nothing to reject`);
  }
  const after = await tx.tool.update({
    where: { id: before.id },
    data: { status: "rejected", approvedById: null, approvedAt: null },
  });
  await recordAudit(tx, {
    action: "tool.rejected",
    ...actorOf(principal),
    targetType: "tool",
    targetId: after.id,
    targetLabel: `${before.server.name} / ${after.name}`,
    decision: "info",
    reason: input.reason ?? null,
    detail: { serverId: after.serverId, before: toolSnapshot(before), after: toolSnapshot(after) },
  });
  return { id: after.id };
}
