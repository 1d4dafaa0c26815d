import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import { hashPassword } from "@/lib/auth/password";
import { DomainError } from "@/lib/errors/domain-error";

export const ADMIN_PASSWORD_MIN_LENGTH = 12;

export const bootstrapAdminSchema = z.object({
  email: z.string().trim().toLowerCase().email("Not an email address").max(320),
  name: z.string().trim().min(1, "A name is required").max(200),
  password: z
    .string()
    .min(ADMIN_PASSWORD_MIN_LENGTH, `At least ${ADMIN_PASSWORD_MIN_LENGTH} characters`)
    .max(1024, "At most 1024 characters"),
});
export type BootstrapAdminInput = z.input<typeof bootstrapAdminSchema>;

export interface BootstrapAdminResult {
  userId: string;
  /** False when the person already existed (their name is left as it was). */
  created: boolean;
  /** False when they already held the admin role (only the password changed). */
  granted: boolean;
}

/**
 * The first admin of a fresh deployment (or a break-glass reset): creates the
 * person or finds them by email, sets their local password and grants the
 * admin role, with one audit event by the system — all in one transaction.
 * Runs outside the console (the repo CLI), so the separation-of-duty rule for
 * console grants does not apply; the audit trail records that it happened.
 */
export async function bootstrapAdmin(
  db: Db,
  raw: BootstrapAdminInput,
  now = new Date(),
): Promise<BootstrapAdminResult> {
  const parsed = bootstrapAdminSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DomainError("invalid", issue.message, issue.path.join(".") || undefined);
  }
  const input = parsed.data;
  // scrypt is slow on purpose: hash before the transaction, not while holding it open.
  const passwordHash = await hashPassword(input.password);
  return db.$transaction(async (tx) => {
    const existing = await tx.user.findUnique({
      where: { email: input.email },
      select: { id: true, active: true, passwordHash: true, roles: { select: { role: true } } },
    });
    if (existing && !existing.active) {
      throw new DomainError(
        "conflict",
        `${input.email} is deactivated; reactivate them in the directory first, or bootstrap another person`,
      );
    }
    const before = existing ? existing.roles.map((r) => r.role) : [];
    const user = existing
      ? await tx.user.update({ where: { id: existing.id }, data: { passwordHash }, select: { id: true } })
      : await tx.user.create({
          data: { email: input.email, displayName: input.name, source: "local", passwordHash, createdAt: now },
          select: { id: true },
        });
    const granted = !before.includes("admin");
    if (granted)
      await tx.userRole.create({ data: { userId: user.id, role: "admin", grantedBy: null, createdAt: now } });
    await recordAudit(tx, {
      action: "console.admin_bootstrapped",
      actorType: "system",
      actorLabel: "mandate create-admin",
      targetType: "user",
      targetId: user.id,
      targetLabel: input.email,
      decision: "allow",
      reason: [
        existing ? "Existing person" : "New local person",
        granted ? "granted the admin role" : "already an admin",
        "password set",
      ].join("; "),
      detail: {
        created: !existing,
        passwordSet: true,
        before: existing ? { roles: before, hadPassword: existing.passwordHash !== null } : null,
        after: { roles: granted ? [...before, "admin"] : before, hadPassword: true },
      },
      occurredAt: now,
    });
    return { userId: user.id, created: !existing, granted };
  });
}
