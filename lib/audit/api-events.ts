import type { Db } from "@/lib/db/client";
import { decodeCursor, encodeCursor } from "@/lib/pagination/keyset";
import { countAuditEvents, queryAuditEvents, type AuditEventRecord } from "./event-query";
import { EXPORT_CONTENT_TYPES, exportStream, type ExportFormat } from "./export";
import type { AuditFilter } from "./filters";

/** An event as JSON: dates as ISO strings. */
export function auditEventJson(e: AuditEventRecord) {
  return { ...e, occurredAt: e.occurredAt.toISOString() };
}

/**
 * A page of the trail for a SIEM polling the API: newest first from `cursor`
 * (the `nextCursor` of the previous page), at most `limit` events.
 */
export async function auditEventsPage(db: Db, filter: AuditFilter, opts: { cursor?: string; limit: number }) {
  const after = opts.cursor ? decodeCursor(opts.cursor) : null;
  const rows = await queryAuditEvents(db, filter, {
    order: "desc",
    after: after && typeof after.key === "number" ? { occurredAt: new Date(after.key), id: after.id } : null,
    limit: opts.limit + 1,
  });
  const page = rows.slice(0, opts.limit);
  const last = page.at(-1);
  return {
    data: page.map(auditEventJson),
    nextCursor: rows.length > opts.limit && last ? encodeCursor({ key: last.occurredAt.getTime(), id: last.id }) : null,
  };
}

/**
 * The whole filtered range as a streamed download. `X-Total-Count` (counted
 * before streaming starts) lets a client show progress; events appended
 * while the export runs are newer than its first batch and so not included.
 */
export async function auditExportResponse(
  db: Db,
  filter: AuditFilter,
  format: ExportFormat,
  productVersion: string,
): Promise<Response> {
  const total = await countAuditEvents(db, filter);
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const extension = format === "csv" ? "csv" : format === "jsonl" ? "jsonl" : "ocsf.json";
  return new Response(exportStream(db, filter, format, { productVersion }), {
    headers: {
      "content-type": EXPORT_CONTENT_TYPES[format],
      "content-disposition": `attachment; filename="mandate-audit-${stamp}.${extension}"`,
      "cache-control": "no-store",
      "x-total-count": String(total),
      "x-content-type-options": "nosniff",
    },
  });
}
