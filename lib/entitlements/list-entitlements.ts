import type { Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/sqlite/client";
import { containsText } from "@/lib/pagination/contains-text";
import {
  keysetBy,
  type KeysetPage,
  type KeysetWindow,
  loadKeysetPage,
  type PageRequest,
  stringKeyOf,
} from "@/lib/pagination/keyset";

export type EntitlementListItem = {
  id: string;
  name: string;
  description: string | null;
  server: { id: string; name: string };
  toolCount: number;
  maxSessionSeconds: number;
};

const NATURAL_ORDER = "asc";

/** Entitlements by name; `q` matches the entitlement's name or its server's name. */
export async function listEntitlements(db: Db, request: PageRequest): Promise<KeysetPage<EntitlementListItem>> {
  const search: Prisma.EntitlementWhereInput = request.q
    ? { OR: [{ name: containsText(db, request.q) }, { server: { name: containsText(db, request.q) } }] }
    : {};

  const windowOf = ({ direction, cursor }: KeysetWindow) => {
    const page = keysetBy("name", NATURAL_ORDER, direction, stringKeyOf(cursor));
    return { where: { AND: [search, page.past] }, orderBy: page.orderBy };
  };

  return loadKeysetPage(
    request,
    (entitlement) => ({ key: entitlement.name, id: entitlement.id }),
    async (window) => {
      const { where, orderBy } = windowOf(window);
      const take = window.take;
      const entitlements = await db.entitlement.findMany({
        where,
        orderBy,
        take,
        select: {
          id: true,
          name: true,
          description: true,
          maxSessionSeconds: true,
          server: { select: { id: true, name: true } },
          _count: { select: { tools: true } },
        },
      });
      return entitlements.map(({ _count, ...entitlement }) => ({ ...entitlement, toolCount: _count.tools }));
    },
    (window) => db.entitlement.count({ where: windowOf(window).where, take: window.take }),
  );
}
