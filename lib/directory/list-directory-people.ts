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
  const windowOf = ({ direction, cursor }: KeysetWindow) => {
    const page = keysetBy("displayName", "asc", direction, stringKeyOf(cursor));
    return { where: { AND: [{ deletedAt: null }, search, page.past] }, orderBy: page.orderBy };
  };
  return loadKeysetPage(
    request,
    (p) => ({ key: p.displayName, id: p.id }),
    async (window) => {
      const { where, orderBy } = windowOf(window);
      const take = window.take;
      const rows = await db.user.findMany({
        where,
        orderBy,
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
    (window) => db.user.count({ where: windowOf(window).where, take: window.take }),
  );
}
