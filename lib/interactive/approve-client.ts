import type { Db } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import { actorOf, personOf, type Principal } from "@/lib/auth/principal";
import { agentSnapshot } from "@/lib/agents/agent-snapshot";
import { findAgentOrThrow } from "@/lib/agents/find-agent";
import { DomainError } from "@/lib/errors/domain-error";

/**
 * An admin approves an interactive client pending approval: from now on the
 * people it acts for can sign in through it — for what its own entitlements
 * and theirs both allow (it starts with none; grant them on its page).
 */
export async function approveInteractiveClient(
  db: Db,
  actor: Principal,
  agentId: string,
  now = new Date(),
): Promise<void> {
  await db.$transaction(async (tx) => {
    const before = await findAgentOrThrow(tx, agentId);
    if (before.kind !== "interactive")
      throw new DomainError("conflict", "Only interactive clients are approved; register other agents directly");
    if (before.status !== "pending")
      throw new DomainError("conflict", `Only a client pending approval can be approved; this one is ${before.status}`);
    const after = await tx.agent.update({
      where: { id: agentId },
      data: { status: "active", approvedAt: now, approvedById: personOf(actor), updatedAt: now },
    });
    await recordAudit(tx, {
      action: "agent.approved",
      ...actorOf(actor),
      targetType: "agent",
      targetId: agentId,
      targetLabel: before.name,
      decision: "allow",
      reason: "Interactive client approved",
      occurredAt: now,
      detail: { before: agentSnapshot(before), after: agentSnapshot(after) },
    });
  });
}
