import type { Db } from "@/lib/db/client";
import { consoleSessionPolicy, type ConsoleSessionPolicy } from "./console-session-policy";

export interface SignedInPerson {
  userId: string;
  email: string;
  displayName: string;
  consoleSessionId: string;
  /** When they signed in: the authentication time of anything authorized in this session. */
  signedInAt: Date;
}

/**
 * The person behind a console sign-in, whether or not they hold a console
 * role: people without one sign in only to authorize an interactive MCP
 * client (app/(auth)/authorize), never to use the console. The same checks as
 * resolveConsoleSession otherwise: ended, idle, past its lifetime or a
 * deactivated person means nobody.
 */
export async function signedInPerson(
  db: Db,
  sessionId: string,
  policy: ConsoleSessionPolicy = consoleSessionPolicy(),
  now = new Date(),
): Promise<SignedInPerson | null> {
  const s = await db.consoleSession.findUnique({
    where: { id: sessionId },
    select: {
      id: true,
      createdAt: true,
      lastSeenAt: true,
      expiresAt: true,
      endedAt: true,
      user: { select: { id: true, email: true, displayName: true, active: true } },
    },
  });
  if (!s || s.endedAt || !s.user.active) return null;
  const t = now.getTime();
  if (t >= s.expiresAt.getTime() || t - s.lastSeenAt.getTime() >= policy.idleTimeoutMs) return null;
  return {
    userId: s.user.id,
    email: s.user.email,
    displayName: s.user.displayName,
    consoleSessionId: s.id,
    signedInAt: s.createdAt,
  };
}
