import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import { hashPassword, verifyPassword } from "./password";
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
 * Checks a local account's password. Failed attempts are counted from the
 * audit trail itself (console.sign_in_failed events), so the limit holds
 * across instances and restarts without a store of its own.
 */
export async function authenticateLocal(
  db: Db,
  input: { email: unknown; password: unknown; clientAddress: string | null; /** false: signing in to authorize an MCP client, not to use the console. */ requireConsoleRole?: boolean },
  limits: SignInLimits = signInLimits(),
  now = new Date(),
): Promise<LocalSignInResult> {
  const parsed = localSignInSchema.safeParse(input);
  const email = parsed.success ? parsed.data.email : String(input.email ?? "").slice(0, 320).toLowerCase();
  const since = new Date(now.getTime() - limits.windowMs);

  const fail = async (reason: Exclude<LocalSignInResult, { ok: true }>["reason"], userId: string | null, retryAfterSeconds?: number): Promise<LocalSignInResult> => {
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

  const recentFailures = (where: { actorLabel?: string; clientAddress?: string }) =>
    db.auditEvent.findMany({
      where: { action: "console.sign_in_failed", occurredAt: { gte: since }, ...where },
      select: { occurredAt: true },
      orderBy: { occurredAt: "asc" },
    });
  const [byAccount, byAddress] = await Promise.all([
    recentFailures({ actorLabel: email }),
    input.clientAddress ? recentFailures({ clientAddress: input.clientAddress }) : Promise.resolve([]),
  ]);
  const limited = (list: { occurredAt: Date }[], max: number) =>
    list.length >= max ? Math.ceil((list[list.length - max]!.occurredAt.getTime() + limits.windowMs - now.getTime()) / 1000) : 0;
  const retryAfter = Math.max(limited(byAccount, limits.perAccount), limited(byAddress, limits.perAddress));
  if (retryAfter > 0) return fail("rate_limited", null, retryAfter);

  if (!parsed.success) return fail("invalid_credentials", null);
  const user = await db.user.findUnique({
    where: { email },
    select: { id: true, active: true, passwordHash: true, roles: { select: { role: true } } },
  });
  const stored = user?.passwordHash ?? (await (decoyHash ??= hashPassword("decoy-password-for-timing")));
  const valid = await verifyPassword(parsed.data.password, stored);
  if (!user || !user.passwordHash || !valid || !user.active) return fail("invalid_credentials", user?.id ?? null);
  if (user.roles.length === 0 && input.requireConsoleRole !== false) return fail("no_console_access", user.id);
  return { ok: true, userId: user.id };
}
