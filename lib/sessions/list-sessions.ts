import type { Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/sqlite/client";
import type { SessionStatus, ToolRisk } from "@/lib/db/generated/sqlite/enums";
import { containsText } from "@/lib/pagination/contains-text";
import { dateKeyOf, keysetBy, type KeysetPage, loadKeysetPage, type PageRequest } from "@/lib/pagination/keyset";
import { activeSessionFilter } from "./active-session-filter";

export type SessionListItem = {
  id: string;
  agent: { id: string; name: string };
  /** The person the agent acts for; null for autonomous sessions. */
  user: { id: string; displayName: string; email: string } | null;
  server: { id: string; name: string };
  scopes: string[];
  risk: ToolRisk;
  status: SessionStatus;
  createdAt: Date;
  expiresAt: Date;
};

const NATURAL_ORDER = "desc";

/**
 * Active sessions, newest first (the (status, createdAt, id) index); `q` matches
 * the agent's name, the user's name or email, or the server's name.
 */
export async function listActiveSessions(
  db: Db,
  request: PageRequest,
  now: Date = new Date(),
): Promise<KeysetPage<SessionListItem>> {
  const search: Prisma.AgentSessionWhereInput = request.q
    ? {
        OR: [
          { agent: { name: containsText(db, request.q) } },
          { user: { displayName: containsText(db, request.q) } },
          { user: { email: containsText(db, request.q) } },
          { server: { name: containsText(db, request.q) } },
        ],
      }
    : {};

  return loadKeysetPage(
    request,
    (session) => ({ key: session.createdAt.getTime(), id: session.id }),
    async ({ direction, cursor, take }) => {
      const page = keysetBy("createdAt", NATURAL_ORDER, direction, dateKeyOf(cursor));
      const sessions = await db.agentSession.findMany({
        where: {
          AND: [
            activeSessionFilter(now),
            search,
            page.past,
          ],
        },
        orderBy: page.orderBy,
        take,
        select: {
          id: true,
          scopes: true,
          risk: true,
          status: true,
          createdAt: true,
          expiresAt: true,
          agent: { select: { id: true, name: true } },
          user: { select: { id: true, displayName: true, email: true } },
          server: { select: { id: true, name: true } },
        },
      });
      return sessions.map((session) => ({ ...session, scopes: session.scopes.split(" ").filter(Boolean) }));
    },
  );
}
