import type { Db } from "@/lib/db/client";
import { AUDIT_EVENT_COLUMN_NAMES, type AuditEventColumn } from "@/lib/db/stores/audit/columns";
import { queryAuditEvents, type AuditEventRecord, type EventPosition } from "./event-query";
import type { AuditFilter } from "./filters";
import { toOcsf } from "./ocsf";
import { csvCell } from "@/lib/utils/csv";

export const EXPORT_FORMATS = ["jsonl", "csv", "ocsf"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  jsonl: "application/x-ndjson; charset=utf-8",
  csv: "text/csv; charset=utf-8",
  ocsf: "application/json; charset=utf-8",
};

const BATCH = 5000;

/** Every stored column, in the table's order. */
const CSV_COLUMNS = AUDIT_EVENT_COLUMN_NAMES;

function csvValue(e: AuditEventRecord, column: AuditEventColumn): string {
  const v = e[column];
  if (v === null || v === undefined) return "";
  if (v instanceof Date) return v.toISOString();
  if (column === "detail") return JSON.stringify(v);
  return String(v);
}

function jsonOf(e: AuditEventRecord) {
  return { ...e, occurredAt: e.occurredAt.toISOString() };
}

/**
 * The events matching a filter, newest first as the timeline shows them, in
 * keyset batches: memory holds one batch, however many events match.
 */
export async function* auditEventBatches(
  db: Db,
  filter: AuditFilter,
  batch = BATCH,
): AsyncGenerator<AuditEventRecord[]> {
  let after: EventPosition | null = null;
  for (;;) {
    const rows = await queryAuditEvents(db, filter, { order: "desc", after, limit: batch });
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < batch) return;
    const last = rows[rows.length - 1]!;
    after = { occurredAt: last.occurredAt, id: last.id };
  }
}

/**
 * The export as text chunks (one per batch). JSON Lines and CSV: one event a
 * line; OCSF: one JSON array with one event a line, so a progress counter can
 * count lines in every format.
 */
export async function* exportAuditEvents(
  db: Db,
  filter: AuditFilter,
  format: ExportFormat,
  opts: { productVersion: string; batch?: number } = { productVersion: "0" },
): AsyncGenerator<string> {
  if (format === "csv") yield `${CSV_COLUMNS.join(",")}\n`;
  if (format === "ocsf") yield "[\n";
  let first = true;
  for await (const rows of auditEventBatches(db, filter, opts.batch)) {
    let chunk = "";
    for (const e of rows) {
      if (format === "jsonl") chunk += `${JSON.stringify(jsonOf(e))}\n`;
      else if (format === "csv") chunk += `${CSV_COLUMNS.map((c) => csvCell(csvValue(e, c))).join(",")}\n`;
      else {
        chunk += `${first ? "" : ",\n"}${JSON.stringify(toOcsf(e, { version: opts.productVersion }))}`;
        first = false;
      }
    }
    yield chunk;
  }
  if (format === "ocsf") yield first ? "]\n" : "\n]\n";
}

/** A web stream of the export, pulled batch by batch as the client reads (back-pressure keeps memory flat). */
export function exportStream(
  db: Db,
  filter: AuditFilter,
  format: ExportFormat,
  opts: { productVersion: string },
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const chunks = exportAuditEvents(db, filter, format, opts);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (e) {
        controller.error(e);
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}
