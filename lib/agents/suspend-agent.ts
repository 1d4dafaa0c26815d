import type { Db, Tx } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import { actorOf, type Principal } from "@/lib/auth/principal";
import { DomainError } from "@/lib/errors/domain-error";
import { announceRevoked } from "@/lib/sessions/announce";
import { revokeLiveSessionsIn } from "@/lib/sessions/revoke-live-sessions";
import { agentSnapshot } from "./agent-snapshot";
import { findAgentOrThrow } from "./find-agent";

const DEFAULT_REASON = "Suspended";

/**
 * Suspends an active agent — the kill switch: the token service refuses it
 * while suspended, and every live session it holds is revoked (with its
 * tokens) in the same transaction. It keeps its assignments, so reactivating
 * restores exactly what it had. Returns the revoked session ids.
 */
export async function suspendAgent(
  db: Db,
  actor: Principal,
  agentId: string,
  now = new Date(),
  reason = DEFAULT_REASON,
): Promise<string[]> {
  const revoked = await db.$transaction((tx) => suspendAgentIn(tx, actor, agentId, now, reason));
  announceRevoked(revoked);
  return revoked;
}

/** suspendAgent inside the caller's transaction: the policy importer applies a whole file in one. */
export async function suspendAgentIn(
  tx: Tx,
  actor: Principal,
  agentId: string,
  now = new Date(),
  reason = DEFAULT_REASON,
): Promise<string[]> {
  const before = await findAgentOrThrow(tx, agentId);
  if (before.status !== "active")
    throw new DomainError("conflict", `Only an active agent can be suspended; this one is ${before.status}`);
  const after = await tx.agent.update({
    where: { id: agentId },
    data: { status: "suspended", suspendedAt: now, updatedAt: now },
  });
  await recordAudit(tx, {
    action: "agent.suspended",
    ...actorOf(actor),
    targetType: "agent",
    targetId: agentId,
    targetLabel: before.name,
    decision: "allow",
    reason,
    occurredAt: now,
    detail: { before: agentSnapshot(before), after: agentSnapshot(after) },
  });
  const revoked = await revokeLiveSessionsIn(
    tx,
    actor,
    { agentId, expiresAt: { gt: now } },
    { reason, now, operation: { kind: "agent_suspended", agentId } },
  );
  return revoked.map((s) => s.id);
}
