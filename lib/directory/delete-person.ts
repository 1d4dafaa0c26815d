import type { Tx } from "@/lib/db/client";
import type { User } from "@/lib/db/generated/sqlite/client";
import { recordAudit } from "@/lib/audit/record";
import { auditActor, type DirectoryActor } from "./directory-actor";
import { offboardPersonIn, type OffboardingResult } from "./offboard-person";
import { personSnapshot } from "./person-snapshot";

/**
 * Deletes a person (soft): they disappear from the directory and from their
 * groups, but their row — and with it sessions, grants and audit history that
 * name them — stays. The offboarding cascade runs in the same transaction
 * (a no-op for what an earlier deactivation already ended).
 */
export async function deletePersonIn(
  tx: Tx,
  actor: DirectoryActor,
  before: User,
  now: Date,
): Promise<OffboardingResult> {
  const groups = await tx.groupMembership.findMany({ where: { userId: before.id }, select: { groupId: true } });
  await tx.groupMembership.deleteMany({ where: { userId: before.id } });
  const after = await tx.user.update({
    where: { id: before.id },
    data: { active: false, deactivatedAt: before.deactivatedAt ?? now, deletedAt: now, updatedAt: now },
  });
  const event = await recordAudit(tx, {
    action: "directory.user_deleted",
    ...auditActor(actor),
    targetType: "user",
    targetId: before.id,
    targetLabel: before.email,
    decision: "allow",
    reason: `Deleted via ${actor.via}; history kept`,
    occurredAt: now,
    detail: {
      via: actor.via,
      before: personSnapshot(before),
      after: personSnapshot(after),
      removedFromGroups: groups.map((g) => g.groupId),
    },
  });
  return offboardPersonIn(tx, actor, {
    userId: before.id,
    email: before.email,
    event: "deleted",
    directoryEventId: event.id,
    now,
  });
}
