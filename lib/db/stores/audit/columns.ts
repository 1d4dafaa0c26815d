import type { BulkColumnType } from "@/lib/db/bulk-insert";
import type { ActorType, Decision } from "@/lib/db/generated/sqlite/enums";
import { jsonColumnValue, rawDate, rawNullableString, rawString } from "@/lib/db/raw-values";

/**
 * An audit event as stored: every column, as the writers append it and the
 * views, the export and the API read it.
 */
export interface AuditEventRow {
  id: string;
  occurredAt: Date;
  stream: string;
  seq: number;
  actorType: ActorType;
  actorId: string | null;
  actorLabel: string | null;
  onBehalfOfId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  targetLabel: string | null;
  decision: Decision;
  reason: string | null;
  sessionId: string | null;
  requestId: string | null;
  clientAddress: string | null;
  detail: unknown;
  prevHash: string;
  hash: string;
  agentId: string | null;
  personId: string | null;
  serverId: string | null;
}

/**
 * The one definition of the AuditEvent table's columns, in insert order, with
 * each column's type. Every writer (single or batch, ORM client or driver,
 * either store, the bulk loader) and every reader derives its column list and
 * value encoding from it: the hash chain is only as sound as the agreement
 * between them, so there is nothing for them to disagree on.
 */
export const AUDIT_EVENT_COLUMNS = {
  id: "text",
  occurredAt: "timestamp",
  stream: "text",
  seq: "int",
  actorType: "enum:ActorType",
  actorId: "text",
  actorLabel: "text",
  onBehalfOfId: "text",
  action: "text",
  targetType: "text",
  targetId: "text",
  targetLabel: "text",
  decision: "enum:Decision",
  reason: "text",
  sessionId: "text",
  requestId: "text",
  clientAddress: "text",
  detail: "json",
  prevHash: "text",
  hash: "text",
  agentId: "text",
  personId: "text",
  serverId: "text",
} as const satisfies { [K in keyof AuditEventRow]-?: BulkColumnType };

export type AuditEventColumn = keyof typeof AUDIT_EVENT_COLUMNS;

export const AUDIT_EVENT_COLUMN_NAMES = Object.keys(AUDIT_EVENT_COLUMNS) as AuditEventColumn[];
/** An event to append: a value for every column (chainAuditEvent makes them). */
export type AuditEventValues = { readonly [K in AuditEventColumn]: unknown };

const TYPES = AUDIT_EVENT_COLUMN_NAMES.map((c) => AUDIT_EVENT_COLUMNS[c] as BulkColumnType);

/** `"id", "occurredAt", …` — the column list of inserts and selects. */
export const AUDIT_EVENT_COLUMN_LIST = AUDIT_EVENT_COLUMN_NAMES.map((c) => `"${c}"`).join(", ");

const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));

/**
 * One event's values in column order for the embedded store: timestamps as
 * integer milliseconds (the client's `timestampFormat: "unixepoch-ms"`), JSON
 * as its text.
 */
export function sqliteAuditValues(e: AuditEventValues): unknown[] {
  const out = new Array<unknown>(TYPES.length);
  for (let i = 0; i < TYPES.length; i++) {
    const v = e[AUDIT_EVENT_COLUMN_NAMES[i]!];
    const type = TYPES[i];
    out[i] = type === "timestamp" ? (v as Date).getTime() : type === "json" ? json(v) : (v ?? null);
  }
  return out;
}

/**
 * Events as one JSON document of rows (each an array in column order) for
 * PostgreSQL, which pgAuditRowsSelect turns back into columns: one parameter
 * costs the driver far less CPU than one array per column, whose every
 * element it escapes in JavaScript. Timestamps as ISO strings in UTC (the
 * timestamp(3) columns take them without the zone); JSON as itself.
 */
export function pgAuditRowsParameter(events: readonly AuditEventValues[]): string {
  return JSON.stringify(
    events.map((e) => {
      const row = new Array<unknown>(TYPES.length);
      for (let i = 0; i < TYPES.length; i++) {
        const v = e[AUDIT_EVENT_COLUMN_NAMES[i]!];
        row[i] = TYPES[i] === "timestamp" ? (v as Date).toISOString() : (v ?? null);
      }
      return row;
    }),
  );
}

/** The SQL expression reading column `i` of type `type` from the JSON row `r`. */
function pgFromJson(type: BulkColumnType, i: number): string {
  if (type === "json") return `NULLIF(r->${i}, 'null'::jsonb)`;
  if (type === "timestamp") return `(r->>${i})::timestamp(3)`;
  if (type === "int") return `(r->>${i})::int4`;
  if (type === "bool") return `(r->>${i})::bool`;
  if (type.startsWith("enum:")) return `(r->>${i})::"${type.slice(5)}"`;
  return `r->>${i}`;
}

/** `SELECT <columns> FROM jsonb_array_elements($n::jsonb) AS r` over pgAuditRowsParameter's document. */
export function pgAuditRowsSelect(parameter = "$1"): string {
  return `SELECT ${TYPES.map((t, i) => pgFromJson(t, i)).join(", ")} FROM jsonb_array_elements(${parameter}::jsonb) AS r`;
}

/** A row read by a raw query on either store (timestamps as ms or Date, JSON as text or value) as an event. */
export function auditEventFromRow(r: Record<string, unknown>): AuditEventRow {
  return {
    id: rawString(r.id),
    occurredAt: rawDate(r.occurredAt)!,
    stream: rawString(r.stream),
    seq: Number(r.seq),
    actorType: rawString(r.actorType) as ActorType,
    actorId: rawNullableString(r.actorId),
    actorLabel: rawNullableString(r.actorLabel),
    onBehalfOfId: rawNullableString(r.onBehalfOfId),
    action: rawString(r.action),
    targetType: rawNullableString(r.targetType),
    targetId: rawNullableString(r.targetId),
    targetLabel: rawNullableString(r.targetLabel),
    decision: rawString(r.decision) as Decision,
    reason: rawNullableString(r.reason),
    sessionId: rawNullableString(r.sessionId),
    requestId: rawNullableString(r.requestId),
    clientAddress: rawNullableString(r.clientAddress),
    detail: jsonColumnValue(r.detail),
    prevHash: rawString(r.prevHash),
    hash: rawString(r.hash),
    agentId: rawNullableString(r.agentId),
    personId: rawNullableString(r.personId),
    serverId: rawNullableString(r.serverId),
  };
}
