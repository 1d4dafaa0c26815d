import type { Db } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import { DomainError } from "@/lib/errors/domain-error";
import { refuseSelfRoleGrant } from "@/lib/access/separation-of-duties";
import { revokeKeysBeyondHolderIn } from "@/lib/auth/api-key-holder";
import type { ConsoleRole } from "@/lib/auth/permissions";
import { actorOf, personOf, type Principal } from "@/lib/auth/principal";

/**
 * Grants a console role. Nobody grants themselves a role: elevation needs a
 * second person (separation of duties).
 */
export async function grantConsoleRole(db: Db, actor: Principal, userId: string, role: ConsoleRole): Promise<void> {
  refuseSelfRoleGrant(personOf(actor), userId);
  await db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({
      where: { id: userId },
      select: { email: true, active: true, roles: { select: { role: true } } },
    });
    if (!user) throw new DomainError("not_found", "No such person");
    if (!user.active) throw new DomainError("conflict", "This person is deactivated");
    if (user.roles.some((r) => r.role === role)) return;
    await tx.userRole.create({ data: { userId, role, grantedBy: personOf(actor) } });
    await recordAudit(tx, {
      action: "console.role_granted",
      ...actorOf(actor),
      targetType: "user",
      targetId: userId,
      targetLabel: user.email,
      decision: "allow",
      reason: `Granted the ${role} role`,
      detail: {
        before: { roles: user.roles.map((r) => r.role) },
        after: { roles: [...user.roles.map((r) => r.role), role] },
      },
    });
  });
}

/**
 * Removes a console role. The console always keeps at least one active admin. The person's API keys that their
 * remaining roles no longer cover are revoked in the same transaction (a key can do no more than its holder).
 */
export async function removeConsoleRole(db: Db, actor: Principal, userId: string, role: ConsoleRole): Promise<void> {
  await db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({
      where: { id: userId },
      select: { email: true, roles: { select: { role: true } } },
    });
    if (!user) throw new DomainError("not_found", "No such person");
    if (!user.roles.some((r) => r.role === role)) return;
    if (role === "admin") {
      const admins = await tx.userRole.count({ where: { role: "admin", user: { active: true } } });
      if (admins <= 1) {
        throw new DomainError(
          "separation_of_duties",
          "This is the last admin: grant the admin role to someone else first.",
        );
      }
    }
    await tx.userRole.delete({ where: { userId_role: { userId, role } } });
    const remaining = user.roles.map((r) => r.role).filter((r) => r !== role);
    const event = await recordAudit(tx, {
      action: "console.role_removed",
      ...actorOf(actor),
      targetType: "user",
      targetId: userId,
      targetLabel: user.email,
      decision: "allow",
      reason: `Removed the ${role} role`,
      detail: { before: { roles: user.roles.map((r) => r.role) }, after: { roles: remaining } },
    });
    await revokeKeysBeyondHolderIn(
      tx,
      actorOf(actor),
      userId,
      remaining,
      `Its holder ${user.email} lost the ${role} role (event ${event.id})`,
      event.occurredAt,
    );
  });
}
