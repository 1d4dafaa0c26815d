import type { Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/sqlite/client";
import { containsText } from "@/lib/db/stores/text-search";
import { keysetBy, loadKeysetPage, stringKeyOf, type KeysetPage, type PageRequest } from "@/lib/pagination/keyset";

export interface DirectoryGroup {
  id: string;
  displayName: string;
  externalId: string | null;
  source: string;
  members: number;
  liveAssignments: number;
  updatedAt: Date;
}

/** The directory's groups (deleted ones excluded), by name. */
export async function listDirectoryGroups(
  db: Db,
  request: PageRequest,
  now = new Date(),
): Promise<KeysetPage<DirectoryGroup>> {
  const search: Prisma.GroupWhereInput = request.q ? { displayName: containsText(db, request.q) } : {};
  return loadKeysetPage(
    request,
    (g) => ({ key: g.displayName, id: g.id }),
    async ({ direction, cursor, take }) => {
      const page = keysetBy("displayName", "asc", direction, stringKeyOf(cursor));
      const rows = await db.group.findMany({
        where: { AND: [{ deletedAt: null }, search, page.past] },
        orderBy: page.orderBy,
        take,
        select: {
          id: true,
          displayName: true,
          externalId: true,
          source: true,
          updatedAt: true,
          _count: {
            select: {
              members: true,
              assignments: { where: { endedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] } },
            },
          },
        },
      });
      return rows.map((r) => ({
        id: r.id,
        displayName: r.displayName,
        externalId: r.externalId,
        source: r.source,
        members: r._count.members,
        liveAssignments: r._count.assignments,
        updatedAt: r.updatedAt,
      }));
    },
    // The same filter, counted: the list's total (no cursor) or the rows before the page (backward from its first row).
    ({ direction, cursor, take }) =>
      db.group.count({
        where: {
          AND: [{ deletedAt: null }, search, keysetBy("displayName", "asc", direction, stringKeyOf(cursor)).past],
        },
        take,
      }),
  );
}
