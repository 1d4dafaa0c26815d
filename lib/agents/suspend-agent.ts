import type { Db, Tx } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import { actorOf, type Principal } from "@/lib/auth/principal";
import { DomainError } from "@/lib/errors/domain-error";
import { agentSnapshot } from "./agent-snapshot";
import { findAgentOrThrow } from "./find-agent";

/**
 * Suspends an active agent: it keeps its assignments (so reactivating restores
 * exactly what it had) but the token service refuses it while suspended.
 */
export async function suspendAgent(db: Db, actor: Principal, agentId: string, now = new Date()): Promise<void> {
  await db.$transaction((tx) => suspendAgentIn(tx, actor, agentId, now));
}

/** suspendAgent inside the caller's transaction: the policy importer applies a whole file in one. */
export async function suspendAgentIn(tx: Tx, actor: Principal, agentId: string, now = new Date()): Promise<void> {
  const before = await findAgentOrThrow(tx, agentId);
  if (before.status !== "active") throw new DomainError("conflict", `Only an active agent can be suspended; this one is ${before.status}`);
  const after = await tx.agent.update({ where: { id: agentId }, data: { status: "suspended", suspendedAt: now, updatedAt: now } });
  await recordAudit(tx, {
    action: "agent.suspended", ...actorOf(actor), targetType: "agent", targetId: agentId, targetLabel: before.name,
    decision: "allow", reason: "Suspended", occurredAt: now,
    detail: { before: agentSnapshot(before), after: agentSnapshot(after) },
  });
}
