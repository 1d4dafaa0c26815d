import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import { hashPassword, verifyPassword } from "./password";
import { releaseSignInAttempt, reserveSignInAttempt } from "./sign-in-attempts";
import { signInLimits, type SignInLimits } from "./sign-in-limits";

export const localSignInSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(320),
  password: z.string().min(1).max(1024),
});

export type LocalSignInResult =
  | { ok: true; userId: string }
  | { ok: false; reason: "invalid_credentials" | "no_console_access" | "rate_limited"; retryAfterSeconds?: number };

// Verifying against a real hash when the account does not exist keeps the
// response time the same, so timing does not reveal which emails exist.
let decoyHash: Promise<string> | undefined;

/**
 * Checks a local account's password under the limits of lib/auth/sign-in-limits.ts.
 * Each attempt is recorded before its password is checked, in one transaction
 * with the count of the failures before it (lib/auth/sign-in-attempts.ts), so
 * concurrent guesses cannot all slip under the limit; the audit trail keeps
 * every refusal as console.sign_in_failed.
 */
export async function authenticateLocal(
  db: Db,
  input: {
    email: unknown;
    password: unknown;
    clientAddress: string | null /** false: signing in to authorize an MCP client, not to use the console. */;
    requireConsoleRole?: boolean;
  },
  limits: SignInLimits = signInLimits(),
  now = new Date(),
): Promise<LocalSignInResult> {
  const parsed = localSignInSchema.safeParse(input);
  const email = parsed.success
    ? parsed.data.email
    : String(input.email ?? "")
        .slice(0, 320)
        .trim()
        .toLowerCase();

  const fail = async (
    reason: Exclude<LocalSignInResult, { ok: true }>["reason"],
    userId: string | null,
    retryAfterSeconds?: number,
  ): Promise<LocalSignInResult> => {
    await db.$transaction((tx) =>
      recordAudit(tx, {
        action: "console.sign_in_failed",
        actorType: userId ? "user" : "system",
        actorId: userId,
        actorLabel: email,
        targetType: "user",
        targetId: userId,
        targetLabel: email,
        decision: "deny",
        reason,
        clientAddress: input.clientAddress,
        occurredAt: now,
      }),
    );
    return { ok: false, reason, ...(retryAfterSeconds ? { retryAfterSeconds } : {}) };
  };

  const user = parsed.success
    ? await db.user.findUnique({
        where: { email },
        select: { id: true, active: true, passwordHash: true, roles: { select: { role: true } } },
      })
    : null;
  // A known device: an address this account opened a console session from before skips the per-account back-off.
  const knownAddress =
    user && input.clientAddress
      ? (await db.consoleSession.count({
          where: {
            userId: user.id,
            clientAddress: input.clientAddress,
            createdAt: { gte: new Date(now.getTime() - limits.knownAddressMs) },
          },
        })) > 0
      : false;
  const reservation = await reserveSignInAttempt(
    db,
    { account: email, clientAddress: input.clientAddress, knownAddress },
    limits,
    now,
  );
  if (!reservation.ok) return fail("rate_limited", null, reservation.retryAfterSeconds);

  if (!parsed.success) return fail("invalid_credentials", null);
  const stored = user?.passwordHash ?? (await (decoyHash ??= hashPassword("decoy-password-for-timing")));
  const valid = await verifyPassword(parsed.data.password, stored);
  if (!user || !user.passwordHash || !valid || !user.active) return fail("invalid_credentials", user?.id ?? null);
  // The password was right: not a guess, so it limits nothing.
  await releaseSignInAttempt(db, reservation.id);
  if (user.roles.length === 0 && input.requireConsoleRole !== false) return fail("no_console_access", user.id);
  return { ok: true, userId: user.id };
}
