import type { Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/sqlite/client";
import { CONSOLE_ROLES, type ConsoleRole } from "@/lib/auth/permissions";
import { containsText } from "@/lib/db/stores/text-search";

/** A person as the People & roles settings show them. */
export interface ConsolePerson {
  id: string;
  email: string;
  displayName: string;
  active: boolean;
  /** In the catalogue's order (admin first), whatever order they were granted in. */
  roles: ConsoleRole[];
  /** Console sessions not ended and not past their absolute lifetime. */
  openSessions: number;
}

/** Console role holders are few (tens); more than this means something is off, not that paging is needed. */
const MAX_ROLE_HOLDERS = 1000;
const MAX_SEARCH_RESULTS = 20;

const select = (now: Date) =>
  ({
    id: true,
    email: true,
    displayName: true,
    active: true,
    roles: { select: { role: true } },
    _count: { select: { consoleSessions: { where: { endedAt: null, expiresAt: { gt: now } } } } },
  }) satisfies Prisma.UserSelect;

type Row = Prisma.UserGetPayload<{ select: ReturnType<typeof select> }>;

function toPerson(row: Row): ConsolePerson {
  const held = new Set(row.roles.map((r) => r.role));
  return {
    id: row.id,
    email: row.email,
    displayName: row.displayName,
    active: row.active,
    roles: CONSOLE_ROLES.filter((r) => held.has(r)),
    openSessions: row._count.consoleSessions,
  };
}

/** Everyone who holds at least one console role, by name. */
export async function listRoleHolders(db: Db, now = new Date()): Promise<ConsolePerson[]> {
  const rows = await db.user.findMany({
    where: { roles: { some: {} } },
    orderBy: [{ displayName: "asc" }, { id: "asc" }],
    select: select(now),
    take: MAX_ROLE_HOLDERS,
  });
  return rows.map(toPerson);
}

/** Anyone in the directory whose name or email contains `q` (case-insensitive): the people a role can be granted to. */
export async function findPeople(db: Db, q: string, now = new Date()): Promise<ConsolePerson[]> {
  const text = q.trim().slice(0, 200);
  if (!text) return [];
  const rows = await db.user.findMany({
    where: { OR: [{ displayName: containsText(db, text) }, { email: containsText(db, text) }] },
    orderBy: [{ active: "desc" }, { displayName: "asc" }, { id: "asc" }],
    select: select(now),
    take: MAX_SEARCH_RESULTS,
  });
  return rows.map(toPerson);
}
