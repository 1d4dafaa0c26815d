import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import { requireActiveOwner } from "@/lib/agents/require-active-owner";
import { agentSnapshot } from "@/lib/agents/agent-snapshot";
import { refuseAgentHolder } from "@/lib/access/separation-of-duties";
import { actorOf, personOf, type Principal } from "@/lib/auth/principal";
import { DomainError } from "@/lib/errors/domain-error";

export const reassignAgentOwnerSchema = z.object({
  agentId: z.string().min(1),
  ownerId: z.string().min(1, "Choose the new owner"),
  reason: z.string().trim().min(3, "Say why (at least 3 characters)").max(500),
});
export type ReassignAgentOwnerInput = z.infer<typeof reassignAgentOwnerSchema>;

/**
 * Gives an agent a new, active owner and takes it off the offboarding queue.
 * The new owner must not have granted the agent any live access (separation of duties).
 * A suspended agent stays suspended: its new owner reactivates it on the
 * agent's page once they have looked at it.
 */
export async function reassignAgentOwner(
  db: Db,
  actor: Principal,
  input: ReassignAgentOwnerInput,
  now = new Date(),
): Promise<void> {
  await db.$transaction(async (tx) => {
    const before = await tx.agent.findUnique({ where: { id: input.agentId } });
    if (!before) throw new DomainError("not_found", "No such agent");
    if (before.status === "retired") throw new DomainError("conflict", "This agent is retired");
    const owner = await requireActiveOwner(tx, input.ownerId);
    await refuseAgentHolder(
      tx,
      before.id,
      { id: owner.id, label: owner.id === personOf(actor) ? "You" : owner.email },
      "owner",
      now,
    );
    const after = await tx.agent.update({
      where: { id: before.id },
      data: { ownerId: owner.id, ownerlessSince: null, updatedAt: now },
    });
    await recordAudit(tx, {
      action: "agent.owner_reassigned",
      ...actorOf(actor),
      targetType: "agent",
      targetId: before.id,
      targetLabel: before.name,
      decision: "allow",
      reason: input.reason,
      occurredAt: now,
      detail: {
        before: { ...agentSnapshot(before), ownerlessSince: before.ownerlessSince },
        after: { ...agentSnapshot(after), ownerlessSince: null },
        newOwner: owner.email,
      },
    });
  });
}
