import type { Db } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";

export interface SsoIdentity {
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
  clientAddress: string | null;
  /** Find only: no just-in-time creation, no audit (used once the sign-in was accepted). */
  lookupOnly?: boolean;
  /** false: signing in to authorize an MCP client (app/(auth)/authorize), which needs no console role. */
  requireConsoleRole?: boolean;
}

/**
 * The identity an OIDC sign-in presents, read from the ID token's claims. An
 * email counts as verified only when the IdP says so (`email_verified: true`,
 * OIDC Core §5.1): an absent claim is no verification.
 */
export function ssoIdentityOf(
  issuer: string,
  profile: Record<string, unknown> | null | undefined,
): Pick<SsoIdentity, "issuer" | "subject" | "email" | "emailVerified" | "name"> {
  return {
    issuer,
    subject: String(profile?.sub ?? ""),
    email: typeof profile?.email === "string" ? profile.email : null,
    emailVerified: profile?.email_verified === true,
    name: typeof profile?.name === "string" ? profile.name : null,
  };
}

export type SsoMatch =
  | { ok: true; userId: string }
  | { ok: false; reason: "unknown_person" | "deactivated" | "no_console_access" | "email_unverified" };

/**
 * Maps an enterprise SSO identity to a person: by issuer + subject, else by
 * verified email (binding iss+sub on first use). People unknown to Mandate are
 * created just in time when SCIM is not in use (MANDATE_OIDC_JIT, default on),
 * but get no console role: an admin must grant one.
 */
export async function matchSsoPerson(
  db: Db,
  id: SsoIdentity,
  env: Record<string, string | undefined> = process.env,
): Promise<SsoMatch> {
  const email = id.email?.trim().toLowerCase() ?? null;
  const select = { id: true, active: true, idpSubject: true, roles: { select: { role: true } } } as const;
  let person =
    (await db.user.findUnique({
      where: { idpIssuer_idpSubject: { idpIssuer: id.issuer, idpSubject: id.subject } },
      select,
    })) ?? (email && id.emailVerified ? await db.user.findUnique({ where: { email }, select }) : null);

  const refuse = async (
    reason: Extract<SsoMatch, { ok: false }>["reason"],
    userId: string | null,
  ): Promise<SsoMatch> => {
    if (!id.lookupOnly) {
      await db.$transaction((tx) =>
        recordAudit(tx, {
          action: "console.sign_in_failed",
          actorType: userId ? "user" : "system",
          actorId: userId,
          actorLabel: email ?? id.subject,
          decision: "deny",
          reason,
          clientAddress: id.clientAddress,
          detail: { method: "oidc", issuer: id.issuer },
        }),
      );
    }
    return { ok: false, reason };
  };

  if (!person) {
    if (!email) return refuse("unknown_person", null);
    if (!id.emailVerified) return refuse("email_unverified", null);
    if (id.lookupOnly || env.MANDATE_OIDC_JIT === "false") return refuse("unknown_person", null);
    const created = await db.$transaction(async (tx) => {
      const u = await tx.user.create({
        data: { email, displayName: id.name ?? email, idpIssuer: id.issuer, idpSubject: id.subject, source: "sso" },
        select,
      });
      await recordAudit(tx, {
        action: "directory.user_provisioned",
        actorType: "system",
        actorLabel: "mandate",
        targetType: "user",
        targetId: u.id,
        targetLabel: email,
        decision: "info",
        reason: "Created just in time at first SSO sign-in",
        detail: { issuer: id.issuer },
      });
      return u;
    });
    person = created;
  } else if (!person.idpSubject && !id.lookupOnly) {
    await db.user.update({ where: { id: person.id }, data: { idpIssuer: id.issuer, idpSubject: id.subject } });
  }
  if (!person.active) return refuse("deactivated", person.id);
  if (person.roles.length === 0 && id.requireConsoleRole !== false) return refuse("no_console_access", person.id);
  return { ok: true, userId: person.id };
}
