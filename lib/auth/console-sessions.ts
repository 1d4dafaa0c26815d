import { randomBytes } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import { DomainError } from "@/lib/errors/domain-error";
import type { ConsoleRole } from "./permissions";
import type { Principal } from "./principal";
import { consoleSessionPolicy, type ConsoleSessionPolicy } from "./console-session-policy";

export interface SignInContext {
  clientAddress: string | null;
  userAgent: string | null;
  method: "password" | "oidc";
}

/** lastSeenAt is written at most this often: one write per click would be waste. */
const TOUCH_INTERVAL_MS = 30_000;

/** Starts a console session for a person who just proved who they are; audited with it. */
export async function startConsoleSession(
  db: Db,
  userId: string,
  ctx: SignInContext,
  policy: ConsoleSessionPolicy = consoleSessionPolicy(),
  now = new Date(),
): Promise<string> {
  const id = randomBytes(24).toString("base64url");
  await db.$transaction(async (tx) => {
    const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true } });
    await tx.consoleSession.create({
      data: {
        id,
        userId,
        createdAt: now,
        lastSeenAt: now,
        expiresAt: new Date(now.getTime() + policy.absoluteLifetimeMs),
        clientAddress: ctx.clientAddress,
        userAgent: ctx.userAgent?.slice(0, 300) ?? null,
      },
    });
    await recordAudit(tx, {
      action: "console.sign_in",
      actorType: "user",
      actorId: userId,
      actorLabel: user.email,
      targetType: "console_session",
      targetId: id,
      decision: "allow",
      reason: ctx.method === "oidc" ? "Signed in with enterprise SSO" : "Signed in with a local account",
      clientAddress: ctx.clientAddress,
      detail: { method: ctx.method },
      occurredAt: now,
    });
  });
  return id;
}

export type SessionCheck =
  | { ok: true; principal: Extract<Principal, { kind: "user" }> }
  | { ok: false; reason: "unknown" | "ended" | "idle_timeout" | "expired" | "deactivated" | "no_role" };

/**
 * Resolves a console session on every request: ended, idle, expired or
 * belonging to a deactivated person means signed out. Roles are read fresh,
 * so a role change applies on the next request.
 */
export async function resolveConsoleSession(
  db: Db,
  sessionId: string,
  policy: ConsoleSessionPolicy = consoleSessionPolicy(),
  now = new Date(),
): Promise<SessionCheck> {
  const s = await db.consoleSession.findUnique({
    where: { id: sessionId },
    include: {
      user: { select: { id: true, email: true, displayName: true, active: true, roles: { select: { role: true } } } },
    },
  });
  if (!s) return { ok: false, reason: "unknown" };
  if (s.endedAt) return { ok: false, reason: "ended" };
  const t = now.getTime();
  const timedOut =
    t >= s.expiresAt.getTime() ? "expired" : t - s.lastSeenAt.getTime() >= policy.idleTimeoutMs ? "idle_timeout" : null;
  if (timedOut) {
    await endConsoleSession(
      db,
      sessionId,
      timedOut === "expired" ? "Session lifetime reached" : "Idle timeout",
      null,
      now,
    );
    return { ok: false, reason: timedOut };
  }
  if (!s.user.active) return { ok: false, reason: "deactivated" };
  const roles = s.user.roles.map((r) => r.role as ConsoleRole);
  if (roles.length === 0) return { ok: false, reason: "no_role" };
  if (t - s.lastSeenAt.getTime() >= TOUCH_INTERVAL_MS) {
    await db.consoleSession.updateMany({ where: { id: sessionId, endedAt: null }, data: { lastSeenAt: now } });
  }
  return {
    ok: true,
    principal: {
      kind: "user",
      userId: s.user.id,
      email: s.user.email,
      displayName: s.user.displayName,
      roles,
      consoleSessionId: s.id,
    },
  };
}

/** Ends one console session (sign out, timeout). A no-op when already ended. */
export async function endConsoleSession(
  db: Db,
  sessionId: string,
  reason: string,
  actorUserId: string | null,
  now = new Date(),
): Promise<void> {
  await db.$transaction(async (tx) => {
    const s = await tx.consoleSession.findUnique({
      where: { id: sessionId },
      include: { user: { select: { email: true } } },
    });
    if (!s || s.endedAt) return;
    await tx.consoleSession.update({ where: { id: sessionId }, data: { endedAt: now, endReason: reason } });
    await recordAudit(tx, {
      action: "console.sign_out",
      actorType: actorUserId ? "user" : "system",
      actorId: actorUserId ?? null,
      actorLabel: actorUserId ? s.user.email : "mandate",
      onBehalfOfId: s.userId,
      targetType: "console_session",
      targetId: sessionId,
      decision: "info",
      reason,
      occurredAt: now,
    });
  });
}

/**
 * "Sign out everywhere": ends every open console session of a person — their
 * own choice, or an admin's (a lost laptop, a compromised account).
 */
export async function endAllConsoleSessions(
  db: Db,
  userId: string,
  actorUserId: string,
  reason = "Signed out everywhere",
  now = new Date(),
): Promise<number> {
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { email: true } });
    if (!user) throw new DomainError("not_found", "No such person");
    const actor =
      actorUserId === userId ? user : await tx.user.findUnique({ where: { id: actorUserId }, select: { email: true } });
    const { count } = await tx.consoleSession.updateMany({
      where: { userId, endedAt: null },
      data: { endedAt: now, endReason: reason },
    });
    await recordAudit(tx, {
      action: "console.sign_out",
      actorType: "user",
      actorId: actorUserId,
      actorLabel: actor?.email ?? null,
      onBehalfOfId: userId,
      targetType: "user",
      targetId: userId,
      targetLabel: user.email,
      decision: "info",
      reason,
      detail: { sessionsEnded: count, everywhere: true },
      occurredAt: now,
    });
    return count;
  });
}
