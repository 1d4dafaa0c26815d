/**
 * Reading the audit trail: windows of matching events in (occurredAt, id)
 * order, counts, one event, one stream's chain. The SQL lives in the audit
 * store (lib/db/stores/audit/queries.ts), beside the one column definition.
 */
export {
  countAuditEvents,
  countAuditEventsWindow,
  findAuditEvent,
  queryAuditEvents,
  queryStreamWindow,
  type AuditEventRecord,
  type EventPosition,
} from "@/lib/db/stores/audit/queries";
