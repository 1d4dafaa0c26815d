import { z } from "zod";
import type { Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/sqlite/client";
import { containsText } from "@/lib/db/stores/text-search";
import {
  dateKeyOf,
  keysetBy,
  type KeysetPage,
  loadKeysetPage,
  type PageRequest,
  type SearchParamsRecord,
} from "@/lib/pagination/keyset";
import { PRINCIPAL_TYPES } from "./assignment-schemas";
import { assignmentItemSelect, toAssignmentItem, type AssignmentItem } from "./assignment-item";
import { liveAssignmentWhere } from "./live-assignment";

/** "Expiring soon" means within this many days. */
export const EXPIRING_SOON_DAYS = 14;

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);

export const assignmentFiltersSchema = z.object({
  principalType: z.preprocess(first, z.enum(PRINCIPAL_TYPES).optional().catch(undefined)),
  entitlementId: z.preprocess(first, z.string().min(1).max(200).optional().catch(undefined)),
  expiring: z.preprocess(first, z.enum(["soon"]).optional().catch(undefined)),
});
export type AssignmentFilters = z.infer<typeof assignmentFiltersSchema>;

/** Bad filter values fall back to "no filter" rather than failing the page. */
export const parseAssignmentFilters = (params: SearchParamsRecord): AssignmentFilters =>
  assignmentFiltersSchema.parse(params);

const NATURAL_ORDER = "desc";

/**
 * Live assignments, newest first, keyset-paged on (createdAt, id). `q`
 * matches the entitlement or the principal's name.
 */
export async function listAssignments(
  db: Db,
  request: PageRequest,
  filters: AssignmentFilters,
  now = new Date(),
): Promise<KeysetPage<AssignmentItem>> {
  const where: Prisma.AssignmentWhereInput[] = [liveAssignmentWhere(now)];
  if (filters.principalType) where.push({ principalType: filters.principalType });
  if (filters.entitlementId) where.push({ entitlementId: filters.entitlementId });
  if (filters.expiring === "soon")
    where.push({ expiresAt: { not: null, lte: new Date(now.getTime() + EXPIRING_SOON_DAYS * 86_400_000) } });
  if (request.q) {
    const text = containsText(db, request.q);
    where.push({
      OR: [
        { entitlement: { name: text } },
        { agent: { name: text } },
        { user: { displayName: text } },
        { user: { email: text } },
        { group: { displayName: text } },
      ],
    });
  }
  return loadKeysetPage(
    request,
    (a) => ({ key: a.createdAt.getTime(), id: a.id }),
    async ({ direction, cursor, take }) => {
      const page = keysetBy("createdAt", NATURAL_ORDER, direction, dateKeyOf(cursor));
      const rows = await db.assignment.findMany({
        where: {
          AND: [...where, page.past],
        },
        orderBy: page.orderBy,
        take,
        select: assignmentItemSelect,
      });
      return rows.map(toAssignmentItem);
    },
    // The same filter, counted: the list's total (no cursor) or the rows before the page (backward from its first row).
    ({ direction, cursor, take }) =>
      db.assignment.count({
        where: { AND: [...where, keysetBy("createdAt", NATURAL_ORDER, direction, dateKeyOf(cursor)).past] },
        take,
      }),
  );
}
