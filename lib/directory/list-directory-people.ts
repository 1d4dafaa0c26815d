import type { Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/sqlite/client";
import { containsText } from "@/lib/db/stores/text-search";
import { keysetBy, loadKeysetPage, stringKeyOf, type KeysetPage, type PageRequest } from "@/lib/pagination/keyset";

export interface DirectoryPerson {
  id: string;
  displayName: string;
  email: string;
  active: boolean;
  source: string;
  department: string | null;
  manager: string | null;
  groups: number;
  ownedAgents: number;
  deactivatedAt: Date | null;
  updatedAt: Date;
}

/** The directory's people (deleted ones excluded), by name; `q` matches name, email or department. */
export async function listDirectoryPeople(db: Db, request: PageRequest): Promise<KeysetPage<DirectoryPerson>> {
  const search: Prisma.UserWhereInput = request.q
    ? {
        OR: [
          { displayName: containsText(db, request.q) },
          { email: containsText(db, request.q) },
          { department: containsText(db, request.q) },
        ],
      }
    : {};
  return loadKeysetPage(
    request,
    (p) => ({ key: p.displayName, id: p.id }),
    async ({ direction, cursor, take }) => {
      const page = keysetBy("displayName", "asc", direction, stringKeyOf(cursor));
      const rows = await db.user.findMany({
        where: { AND: [{ deletedAt: null }, search, page.past] },
        orderBy: page.orderBy,
        take,
        select: {
          id: true,
          displayName: true,
          email: true,
          active: true,
          source: true,
          department: true,
          deactivatedAt: true,
          updatedAt: true,
          manager: { select: { displayName: true } },
          _count: { select: { memberships: true, ownedAgents: { where: { status: { not: "retired" } } } } },
        },
      });
      return rows.map((r) => ({
        id: r.id,
        displayName: r.displayName,
        email: r.email,
        active: r.active,
        source: r.source,
        department: r.department,
        manager: r.manager?.displayName ?? null,
        groups: r._count.memberships,
        ownedAgents: r._count.ownedAgents,
        deactivatedAt: r.deactivatedAt,
        updatedAt: r.updatedAt,
      }));
    },
    // The same filter, counted: the list's total (no cursor) or the rows before the page (backward from its first row).
    ({ direction, cursor, take }) =>
      db.user.count({
        where: {
          AND: [{ deletedAt: null }, search, keysetBy("displayName", "asc", direction, stringKeyOf(cursor)).past],
        },
        take,
      }),
  );
}
