import type { Db, Tx } from "@/lib/db/client";
import type { User } from "@/lib/db/generated/sqlite/client";
import { recordAudit } from "@/lib/audit/record";
import { DomainError } from "@/lib/errors/domain-error";
import { announceRevocations } from "./announce-revocations";
import { auditActor, type DirectoryActor } from "./directory-actor";
import { offboardPersonIn, type OffboardingResult } from "./offboard-person";
import { personSnapshot } from "./person-snapshot";

/**
 * Deactivates or reactivates a person inside the caller's transaction, with
 * the directory event and — on deactivation — the whole offboarding cascade.
 * Attribute changes of the same request (a SCIM PUT that also renames) are
 * recorded by the caller just before, in the same transaction.
 * Returns the cascade's result (null when nothing was deactivated).
 */
export async function setPersonActiveIn(
  tx: Tx,
  actor: DirectoryActor,
  before: User,
  active: boolean,
  now: Date,
  reason?: string,
): Promise<OffboardingResult | null> {
  if (before.deletedAt) throw new DomainError("not_found", "No such person");
  if (before.active === active) return null;
  const after = await tx.user.update({
    where: { id: before.id },
    data: active
      ? { active: true, deactivatedAt: null, updatedAt: now }
      : { active: false, deactivatedAt: now, updatedAt: now },
  });
  const event = await recordAudit(tx, {
    action: active ? "directory.user_reactivated" : "directory.user_deactivated",
    ...auditActor(actor),
    targetType: "user",
    targetId: before.id,
    targetLabel: before.email,
    decision: "allow",
    occurredAt: now,
    reason: reason ?? (active ? `Reactivated via ${actor.via}` : `Deactivated via ${actor.via}`),
    detail: { via: actor.via, before: personSnapshot(before), after: personSnapshot(after) },
  });
  if (active) {
    // The agents they still own and that were not suspended meanwhile are theirs again.
    await tx.agent.updateMany({
      where: { ownerId: before.id, ownerlessSince: { not: null }, status: "active" },
      data: { ownerlessSince: null },
    });
    return null;
  }
  return offboardPersonIn(tx, actor, {
    userId: before.id,
    email: before.email,
    event: "deactivated",
    directoryEventId: event.id,
    now,
  });
}

/** Deactivates a person from the console: the cascade runs in the same transaction. */
export async function deactivatePerson(
  db: Db,
  actor: DirectoryActor & { personId?: string | null },
  userId: string,
  reason: string,
  now = new Date(),
): Promise<OffboardingResult | null> {
  if (actor.personId && actor.personId === userId)
    throw new DomainError("separation_of_duties", "You cannot deactivate yourself.");
  const result = await db.$transaction(async (tx) => {
    const before = await tx.user.findUnique({ where: { id: userId } });
    if (!before || before.deletedAt) throw new DomainError("not_found", "No such person");
    if (before.active) await refuseLastAdmin(tx, userId);
    return setPersonActiveIn(tx, actor, before, false, now, reason);
  });
  announceRevocations(result);
  return result;
}

/** Reactivates a person from the console. */
export async function reactivatePerson(db: Db, actor: DirectoryActor, userId: string, now = new Date()): Promise<void> {
  await db.$transaction(async (tx) => {
    const before = await tx.user.findUnique({ where: { id: userId } });
    if (!before || before.deletedAt) throw new DomainError("not_found", "No such person");
    await setPersonActiveIn(tx, actor, before, true, now);
  });
}

/** The console always keeps one active admin (a SCIM client is the IdP's authority and is not held to this). */
async function refuseLastAdmin(tx: Tx, userId: string): Promise<void> {
  const isAdmin = await tx.userRole.findUnique({ where: { userId_role: { userId, role: "admin" } } });
  if (!isAdmin) return;
  const admins = await tx.userRole.count({ where: { role: "admin", user: { active: true } } });
  if (admins <= 1)
    throw new DomainError(
      "separation_of_duties",
      "This is the last admin: grant the admin role to someone else first.",
    );
}
