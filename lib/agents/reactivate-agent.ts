import type { Db, Tx } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import { actorOf, type Principal } from "@/lib/auth/principal";
import { DomainError } from "@/lib/errors/domain-error";
import { agentSnapshot } from "./agent-snapshot";
import { findAgentOrThrow } from "./find-agent";

/** Lifts a suspension. Retirement is final: a retired agent cannot come back (register a new one). */
export async function reactivateAgent(db: Db, actor: Principal, agentId: string, now = new Date()): Promise<void> {
  await db.$transaction((tx) => reactivateAgentIn(tx, actor, agentId, now));
}

/** reactivateAgent inside the caller's transaction: the policy importer applies a whole file in one. */
export async function reactivateAgentIn(tx: Tx, actor: Principal, agentId: string, now = new Date()): Promise<void> {
  const before = await findAgentOrThrow(tx, agentId);
  if (before.status !== "suspended")
    throw new DomainError("conflict", `Only a suspended agent can be reactivated; this one is ${before.status}`);
  const after = await tx.agent.update({
    where: { id: agentId },
    data: { status: "active", suspendedAt: null, updatedAt: now },
  });
  await recordAudit(tx, {
    action: "agent.reactivated",
    ...actorOf(actor),
    targetType: "agent",
    targetId: agentId,
    targetLabel: before.name,
    decision: "allow",
    reason: "Reactivated",
    occurredAt: now,
    detail: { before: agentSnapshot(before), after: agentSnapshot(after) },
  });
}
