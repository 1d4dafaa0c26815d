import type { Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/sqlite/client";
import type { SessionStatus, ToolRisk } from "@/lib/db/generated/sqlite/enums";
import { containsText } from "@/lib/db/stores/text-search";
import { dateKeyOf, keysetBy, type KeysetPage, loadKeysetPage, type PageRequest } from "@/lib/pagination/keyset";
import { sessionFiltersSchema, sessionWhere, type SessionFilters } from "./session-filters";

export type SessionListItem = {
  id: string;
  agent: { id: string; name: string; kind: "autonomous" | "delegated" | "interactive" };
  /** The person the agent acts for; null for autonomous sessions. */
  user: { id: string; displayName: string; email: string } | null;
  server: { id: string; name: string };
  scopes: string[];
  risk: ToolRisk;
  /** "expired" also when the status still says active but the end has passed (the sweeper has not run yet). */
  status: SessionStatus;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  reauthDueAt: Date | null;
  tokenCount: number;
  toolCallCount: number;
  revokedAt: Date | null;
};

const select = {
  id: true,
  scopes: true,
  risk: true,
  status: true,
  createdAt: true,
  lastUsedAt: true,
  expiresAt: true,
  reauthDueAt: true,
  tokenCount: true,
  toolCallCount: true,
  revokedAt: true,
  agent: { select: { id: true, name: true, kind: true } },
  user: { select: { id: true, displayName: true, email: true } },
  server: { select: { id: true, name: true } },
} satisfies Prisma.AgentSessionSelect;

/**
 * Agent sessions with filters, newest first (or soonest to expire), a keyset
 * page at a time: every filter combination is served by an index that also
 * gives the order, so a page costs the same at 1M sessions. `q` matches the
 * agent's name, the person's name or email, or the server's name.
 */
export async function listSessions(
  db: Db,
  request: PageRequest,
  filters: SessionFilters = sessionFiltersSchema.parse({}),
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
  const where = sessionWhere(filters, now);
  const field = filters.sort === "expires" ? "expiresAt" : "createdAt";
  const natural = filters.sort === "expires" ? "asc" : "desc";

  return loadKeysetPage(
    request,
    (session) => ({ key: session[field].getTime(), id: session.id }),
    async ({ direction, cursor, take }) => {
      const page = keysetBy(field, natural, direction, dateKeyOf(cursor));
      const sessions = await db.agentSession.findMany({
        where: { AND: [where, search, page.past] },
        orderBy: page.orderBy,
        take,
        select,
      });
      return sessions.map((s) => ({
        ...s,
        status: s.status === "active" && s.expiresAt <= now ? "expired" : s.status,
        scopes: s.scopes.split(" ").filter(Boolean),
      }));
    },
    // The same filter, counted: the list's total (no cursor) or the rows before the page (backward from its first row).
    ({ direction, cursor, take }) =>
      db.agentSession.count({
        where: { AND: [where, search, keysetBy(field, natural, direction, dateKeyOf(cursor)).past] },
        take,
      }),
  );
}
