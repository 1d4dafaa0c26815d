import type { Db } from "@/lib/db/client";
import { dateKeyOf, type KeysetPage, loadKeysetPage, type PageRequest } from "@/lib/pagination/keyset";
import { countAuditEventsWindow, queryAuditEvents, type AuditEventRecord } from "./event-query";
import type { AuditFilter } from "./filters";

export type AuditEventListItem = AuditEventRecord;

/**
 * The audit trail, newest first: an index seek on (occurredAt, id) per page,
 * however long the trail. The filter narrows it (see filters.ts); the page's
 * `q` is the filter's text search. A rare match in a very long trail costs
 * more than browsing: the seek walks back in time until it fills a page —
 * narrow by time range for that.
 */
export async function listAuditEvents(
  db: Db,
  request: PageRequest,
  filter: AuditFilter = {},
): Promise<KeysetPage<AuditEventListItem>> {
  const effective: AuditFilter = request.q ? { ...filter, q: request.q } : filter;
  return loadKeysetPage(
    request,
    (event) => ({ key: event.occurredAt.getTime(), id: event.id }),
    async ({ direction, cursor, take }) => {
      const boundary = dateKeyOf(cursor);
      return queryAuditEvents(db, effective, {
        order: direction === "forward" ? "desc" : "asc",
        after: boundary ? { occurredAt: boundary.key, id: boundary.id } : null,
        limit: take,
      });
    },
    ({ direction, cursor, take }) => {
      const boundary = dateKeyOf(cursor);
      return countAuditEventsWindow(db, effective, {
        order: direction === "forward" ? "desc" : "asc",
        after: boundary ? { occurredAt: boundary.key, id: boundary.id } : null,
        limit: take,
      });
    },
  );
}

/**
 * Everything that happened in one agent session, in order: the mint that
 * opened it, every refresh, tool call and refusal, and its revocation or expiry.
 */
export async function traceSession(
  db: Db,
  sessionId: string,
  limit = 2000,
): Promise<{ events: AuditEventRecord[]; truncated: boolean }> {
  const events = await queryAuditEvents(db, { session: sessionId }, { order: "asc", after: null, limit: limit + 1 });
  return { events: events.slice(0, limit), truncated: events.length > limit };
}
