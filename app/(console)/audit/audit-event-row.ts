import type { AuditEventListItem } from "@/lib/audit/list-events";

/** An audit event as the browser receives it: dates as ISO strings. */
export type AuditEventRow = Omit<AuditEventListItem, "occurredAt"> & { occurredAt: string };

export function toAuditEventRow(event: AuditEventListItem): AuditEventRow {
  return { ...event, occurredAt: event.occurredAt.toISOString() };
}
