import type { Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/sqlite/client";
import { containsText } from "@/lib/pagination/contains-text";
import {
  keysetBy,
  loadKeysetPage,
  stringKeyOf,
  type KeysetPage,
  type KeysetWindow,
  type PageRequest,
} from "@/lib/pagination/keyset";

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
  const windowOf = ({ direction, cursor }: KeysetWindow) => {
    const page = keysetBy("displayName", "asc", direction, stringKeyOf(cursor));
    return { where: { AND: [{ deletedAt: null }, search, page.past] }, orderBy: page.orderBy };
  };
  return loadKeysetPage(
    request,
    (g) => ({ key: g.displayName, id: g.id }),
    async (window) => {
      const { where, orderBy } = windowOf(window);
      const take = window.take;
      const rows = await db.group.findMany({
        where,
        orderBy,
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
    (window) => db.group.count({ where: windowOf(window).where, take: window.take }),
  );
}
