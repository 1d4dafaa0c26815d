import { recordAudit } from "@/lib/audit/record";
import { actorOf, personOf, type Principal } from "@/lib/auth/principal";
import type { Db, Tx } from "@/lib/db/client";
import { DomainError } from "@/lib/errors/domain-error";
import { toolDecisionSchema, type ToolDecisionInput } from "./tool-schemas";
import { toolSnapshot } from "./tool-snapshot";

/**
 * Makes a pending (or previously rejected) tool grantable. A removed tool
 * cannot be approved: its server no longer offers it, and if it returns a
 * sync brings it back as pending.
 */
export async function approveTool(db: Db, principal: Principal, raw: ToolDecisionInput): Promise<{ id: string }> {
  return db.$transaction((tx) => approveToolIn(tx, principal, raw));
}

/** approveTool inside the caller's transaction: the policy importer applies a whole file in one. */
export async function approveToolIn(tx: Tx, principal: Principal, raw: ToolDecisionInput): Promise<{ id: string }> {
  const input = toolDecisionSchema.parse(raw);
  const before = await tx.tool.findUnique({ where: { id: input.toolId }, include: { server: { select: { name: true } } } });
  if (!before) throw new DomainError("not_found", "This tool no longer exists");
  if (before.status === "approved") throw new DomainError("conflict", `${before.name} is already approved`);
  if (before.status === "removed") {
    throw new DomainError("conflict", `${before.name} is no longer listed by ${before.server.name}; it cannot be approved`);
  }
  const after = await tx.tool.update({
    where: { id: before.id },
    data: { status: "approved", approvedById: personOf(principal), approvedAt: new Date() },
  });
  await recordAudit(tx, {
    action: "tool.approved",
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
