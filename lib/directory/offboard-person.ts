import type { Tx } from "@/lib/db/client";
import type { AuditInput } from "@/lib/audit/record";
import { recordAuditBatch } from "@/lib/audit/record-batch";
import { openMicroCertificationsForDepartedOwner } from "@/lib/reviews/micro-certification";
import { liveAssignmentWhere } from "@/lib/assignments/live-assignment";
import { revokeKeysBeyondHolderIn } from "@/lib/auth/api-key-holder";
import { revokeLiveSessionsIn } from "@/lib/sessions/revoke-live-sessions";
import { auditActor, type DirectoryActor } from "./directory-actor";

export interface OffboardingResult {
  /** Agent sessions revoked (acting for the person): announce them on the revocation bus after commit. */
  revokedSessionIds: string[];
  consoleSessionsEnded: number;
  endedAssignmentIds: string[];
  /** Admin API keys the person held, now revoked. */
  revokedApiKeyIds: string[];
  /** Agents the person owned, now flagged ownerless. */
  ownerlessAgentIds: string[];
}

export interface OffboardingCause {
  userId: string;
  email: string;
  /** What the directory did: the consequences' audit reason names it. */
  event: "deactivated" | "deleted";
  /** Id of the directory audit event this cascade follows from. */
  directoryEventId: string;
  now: Date;
}

/**
 * The offboarding cascade of a person who left, inside the directory change's
 * own transaction: their console sessions end, every agent session acting for
 * them is revoked with its tokens, the admin API keys they hold are revoked,
 * their direct assignments end, and the agents
 * they own are flagged ownerless (suspended later by the sweeper unless
 * reassigned). Each consequence is its own audit event whose reason names the
 * directory event, so an investigator can walk from the departure to all of it.
 *
 * Group memberships are kept on deactivation (a reactivated person gets back
 * what their groups give); they grant nothing meanwhile because the token
 * service refuses inactive people.
 */
export async function offboardPersonIn(
  tx: Tx,
  actor: DirectoryActor,
  cause: OffboardingCause,
): Promise<OffboardingResult> {
  const { userId, email, now } = cause;
  const reason = `Offboarding: ${email} was ${cause.event} in the directory (event ${cause.directoryEventId})`;
  const who = auditActor(actor);

  const consoleSessions = await tx.consoleSession.updateMany({
    where: { userId, endedAt: null },
    data: { endedAt: now, endReason: `offboarded (${cause.event})` },
  });

  // Through the one revocation path: tokens, audit events, the revocation log other instances read, CAEP events.
  const revoked = await revokeLiveSessionsIn(
    tx,
    who,
    { userId },
    {
      reason,
      now,
      operation: { kind: "offboarding", userId, directoryEventId: cause.directoryEventId },
    },
  );
  const sessionIds = revoked.map((s) => s.id);
  // A key acts for its holder: none outlives them (a reactivated person creates new ones).
  const revokedApiKeyIds = await revokeKeysBeyondHolderIn(tx, who, userId, null, reason, now);
  // One event per other consequence (each grant's and agent's history reads complete on its own), appended in one batch.
  const events: AuditInput[] = [];

  const assignments = await tx.assignment.findMany({
    where: { userId, ...liveAssignmentWhere(now) },
    select: { id: true, entitlement: { select: { name: true } } },
  });
  if (assignments.length > 0) {
    await tx.assignment.updateMany({
      where: { id: { in: assignments.map((a) => a.id) } },
      data: { endedAt: now, endedReason: reason },
    });
  }
  for (const a of assignments) {
    events.push({
      action: "assignment.ended",
      ...who,
      targetType: "assignment",
      targetId: a.id,
      targetLabel: a.entitlement.name,
      decision: "allow",
      reason,
      occurredAt: now,
      detail: {
        before: { endedAt: null, endedReason: null },
        after: { endedAt: now, endedReason: reason },
        directoryEventId: cause.directoryEventId,
      },
    });
  }

  // The owner stays recorded (who answered for the agent); ownerlessSince marks it for the offboarding queue.
  const owned = await tx.agent.findMany({
    where: { ownerId: userId, ownerlessSince: null, status: { not: "retired" } },
    select: { id: true, name: true, status: true },
  });
  if (owned.length > 0) {
    await tx.agent.updateMany({ where: { id: { in: owned.map((a) => a.id) } }, data: { ownerlessSince: now } });
  }
  for (const a of owned) {
    // The hook point for a one-item access review per ownerless agent (access certifications).
    events.push({
      action: "agent.owner_departed",
      ...who,
      targetType: "agent",
      targetId: a.id,
      targetLabel: a.name,
      decision: "info",
      reason,
      occurredAt: now,
      detail: {
        ownerId: userId,
        before: { ownerlessSince: null },
        after: { ownerlessSince: now },
        directoryEventId: cause.directoryEventId,
      },
    });
  }
  if (events.length > 0) await recordAuditBatch(tx, events);
  // Each live grant of an agent left without its owner gets a one-item access review (after the events above, so
  // the review's own audit events follow the departure in the trail).
  if (owned.length > 0) await openMicroCertificationsForDepartedOwner(tx, userId, now, who);

  return {
    revokedSessionIds: sessionIds,
    consoleSessionsEnded: consoleSessions.count,
    endedAssignmentIds: assignments.map((a) => a.id),
    revokedApiKeyIds,
    ownerlessAgentIds: owned.map((a) => a.id),
  };
}
