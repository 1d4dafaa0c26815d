import type { Db, Tx } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import { refuseAgentHolder } from "@/lib/access/separation-of-duties";
import { actorOf, personOf, type Principal } from "@/lib/auth/principal";
import { DomainError } from "@/lib/errors/domain-error";
import { updateAgentSchema, type UpdateAgentInput } from "./agent-schemas";
import { agentSnapshot } from "./agent-snapshot";
import { findAgentOrThrow } from "./find-agent";
import { disallowedGrantTypes } from "./grant-types";
import { requireActiveOwner } from "./require-active-owner";

/**
 * Changes an agent's owner, purpose, grant types or token lifetime. A retired agent is history and stays as it was.
 * A new owner must be active and must not have granted the agent any live access (separation of duties).
 */
export async function updateAgent(db: Db, actor: Principal, raw: UpdateAgentInput, now = new Date()): Promise<void> {
  await db.$transaction((tx) => updateAgentIn(tx, actor, raw, now));
}

/** updateAgent inside the caller's transaction: the policy importer applies a whole file in one. */
export async function updateAgentIn(tx: Tx, actor: Principal, raw: UpdateAgentInput, now = new Date()): Promise<void> {
  const input = updateAgentSchema.parse(raw);
  const before = await findAgentOrThrow(tx, input.agentId);
  if (before.status === "retired") throw new DomainError("conflict", "This agent is retired; it can no longer change");
  if (input.allowedGrantTypes && disallowedGrantTypes(before.kind, input.allowedGrantTypes).length > 0) {
    throw new DomainError("invalid", `These grant types do not fit a ${before.kind} agent`, "allowedGrantTypes");
  }
  if (input.ownerId !== undefined && input.ownerId !== before.ownerId) {
    const owner = await requireActiveOwner(tx, input.ownerId);
    await refuseAgentHolder(
      tx,
      before.id,
      { id: owner.id, label: owner.id === personOf(actor) ? "You" : owner.email },
      "owner",
      now,
    );
  }
  const after = await tx.agent.update({
    where: { id: before.id },
    data: {
      ...(input.ownerId !== undefined ? { ownerId: input.ownerId, ownerlessSince: null } : {}),
      ...(input.purpose !== undefined ? { purpose: input.purpose } : {}),
      ...(input.allowedGrantTypes ? { allowedGrantTypes: input.allowedGrantTypes.join(" ") } : {}),
      ...(input.maxTokenLifetimeSeconds !== undefined
        ? { maxTokenLifetimeSeconds: input.maxTokenLifetimeSeconds }
        : {}),
      updatedAt: now,
    },
  });
  await recordAudit(tx, {
    action: "agent.updated",
    ...actorOf(actor),
    targetType: "agent",
    targetId: after.id,
    targetLabel: after.name,
    decision: "allow",
    reason: "Agent profile changed",
    occurredAt: now,
    detail: { before: agentSnapshot(before), after: agentSnapshot(after) },
  });
}
