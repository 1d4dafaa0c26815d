import type { Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/sqlite/client";
import type { ActorType, Decision } from "@/lib/db/generated/sqlite/enums";
import { containsText } from "@/lib/pagination/contains-text";
import { dateKeyOf, keysetBy, type KeysetPage, loadKeysetPage, type PageRequest } from "@/lib/pagination/keyset";

export type AuditEventListItem = {
  id: string;
  occurredAt: Date;
  actorType: ActorType;
  actorId: string | null;
  actorLabel: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  targetLabel: string | null;
  decision: Decision;
  reason: string | null;
};

const NATURAL_ORDER = "desc";

/**
 * The audit trail, newest first: an index seek on (occurredAt, id) per page, however
 * long the trail. `q` matches the action, or the actor's or target's label or id.
 * A search scans backwards in time until it fills a page, so rare matches in a very
 * long trail cost more than browsing.
 */
export async function listAuditEvents(db: Db, request: PageRequest): Promise<KeysetPage<AuditEventListItem>> {
  const search: Prisma.AuditEventWhereInput = request.q
    ? {
        OR: [
          { action: containsText(db, request.q) },
          { actorLabel: containsText(db, request.q) },
          { targetLabel: containsText(db, request.q) },
          { actorId: request.q },
          { targetId: request.q },
        ],
      }
    : {};

  return loadKeysetPage(
    request,
    (event) => ({ key: event.occurredAt.getTime(), id: event.id }),
    async ({ direction, cursor, take }) => {
      const page = keysetBy("occurredAt", NATURAL_ORDER, direction, dateKeyOf(cursor));
      return db.auditEvent.findMany({
        where: {
          AND: [
            search,
            page.past,
          ],
        },
        orderBy: page.orderBy,
        take,
        select: {
          id: true,
          occurredAt: true,
          actorType: true,
          actorId: true,
          actorLabel: true,
          action: true,
          targetType: true,
          targetId: true,
          targetLabel: true,
          decision: true,
          reason: true,
        },
      });
    },
  );
}
