import { permissionsOf, type Permission } from "@/lib/auth/permissions";
import type { Principal } from "@/lib/auth/principal";
import type { Db } from "@/lib/db/client";
import type { ConsoleRole } from "@/lib/db/generated/sqlite/enums";
import { DomainError } from "@/lib/errors/domain-error";

/**
 * Who a CLI plan/apply acts as. With `--as <email>` it is that person — who
 * must be an active console admin (policy.apply), and whose
 * separation-of-duty limits then apply (no granting themselves or their own
 * agents). Without it, the system, labelled with the OS user who ran the
 * command: shell access to the deployment is already full control of it.
 */
export async function cliPrincipal(
  db: Db,
  opts: { as?: string; osUser: string; permission?: Permission },
): Promise<Principal> {
  if (!opts.as) return { kind: "system", label: `mandate policy (OS user ${opts.osUser})`, roles: ["admin"] };
  const email = opts.as.trim().toLowerCase();
  const person = await db.user.findUnique({ where: { email }, include: { roles: { select: { role: true } } } });
  if (!person || !person.active) throw new DomainError("not_found", `No active person has the email ${email}`);
  const roles = person.roles.map((r) => r.role as ConsoleRole);
  const permission = opts.permission ?? "policy.apply";
  if (!permissionsOf(roles).has(permission)) {
    throw new DomainError(
      "forbidden",
      permission === "policy.apply"
        ? `${email} may not apply policy (needs the admin role)`
        : `${email} lacks the ${permission} permission`,
    );
  }
  return {
    kind: "user",
    userId: person.id,
    email: person.email,
    displayName: person.displayName,
    roles,
    consoleSessionId: "cli",
  };
}
