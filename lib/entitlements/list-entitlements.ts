import type { Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/sqlite/client";
import { containsText } from "@/lib/db/stores/text-search";
import { keysetBy, type KeysetPage, loadKeysetPage, type PageRequest, stringKeyOf } from "@/lib/pagination/keyset";

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

  return loadKeysetPage(
    request,
    (entitlement) => ({ key: entitlement.name, id: entitlement.id }),
    async ({ direction, cursor, take }) => {
      const page = keysetBy("name", NATURAL_ORDER, direction, stringKeyOf(cursor));
      const entitlements = await db.entitlement.findMany({
        where: {
          AND: [search, page.past],
        },
        orderBy: page.orderBy,
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
    // The same filter, counted: the list's total (no cursor) or the rows before the page (backward from its first row).
    ({ direction, cursor, take }) =>
      db.entitlement.count({
        where: { AND: [search, keysetBy("name", NATURAL_ORDER, direction, stringKeyOf(cursor)).past] },
        take,
      }),
  );
}
