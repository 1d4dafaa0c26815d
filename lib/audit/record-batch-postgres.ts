import type pg from "pg";
import { auditActionSchema, streamOf } from "./actions";
import { chainAuditEvent, type AuditInput, type RecordedAuditEvent } from "./record";

/**
 * Audit appends on a node-postgres connection, inside the caller's
 * transaction: per stream the advisory lock recordAudit takes and one read of
 * the chain's head (both in BEGIN's round trip), then one multi-row insert
 * (unnest of column arrays). For the writers that append in volume — token
 * mints, the gateway's tool calls — where the ORM's raw queries cost several
 * times the driver's CPU per event.
 *
 * Same chain as recordAudit and recordAuditBatch (chainAuditEvent makes every
 * event), so verifyAuditChain cannot tell them apart.
 */
const AUDIT_COLUMNS = `"id", "occurredAt", "stream", "seq", "actorType", "actorId", "actorLabel", "onBehalfOfId", "action", "targetType", "targetId", "targetLabel", "decision", "reason", "sessionId", "requestId", "clientAddress", "detail", "prevHash", "hash"`;

/**
 * `INSERT … SELECT` of chained events passed as one JSON array of rows ($1:
 * auditRowsParameter), with `join` and `where` spliced in after it — how a
 * caller joins a lock or guards the insert in the same statement. One JSON
 * document costs the driver less than half the CPU of twenty column arrays,
 * whose every element it escapes in JavaScript.
 */
export function auditInsertSql(opts: { join?: string; where?: string } = {}): string {
  return `
INSERT INTO "AuditEvent" (${AUDIT_COLUMNS})
SELECT r->>0, (r->>1)::timestamp(3), r->>2, (r->>3)::int4, (r->>4)::"ActorType", r->>5, r->>6, r->>7, r->>8, r->>9, r->>10, r->>11, (r->>12)::"Decision",
  r->>13, r->>14, r->>15, r->>16, NULLIF(r->17, 'null'::jsonb), r->>18, r->>19
FROM jsonb_array_elements($1::jsonb) AS r${opts.join ? ` ${opts.join}` : ""}${opts.where ? `\nWHERE ${opts.where}` : ""}`;
}

const INSERT_AUDIT = auditInsertSql();

type Head = { seq: number; hash: string } | null;

/**
 * The statements that take streams' append locks (in a fixed order, so two
 * writers never deadlock) and then read each one's head — sent in the same
 * round trip as BEGIN (PgWriter's `openWith`), which saves a writer two round
 * trips per stream on every transaction. Each statement reads with a snapshot
 * of its own, so a head is read only once its lock is held.
 */
export function lockAuditStreams(streams: Iterable<string>): { sql: string; heads(opened: readonly pg.QueryResult[]): Map<string, Head> } {
  const ordered = [...new Set(streams)].sort();
  for (const stream of ordered) {
    // Stream names come from streamOf(); checked because they are written into the SQL text.
    if (!/^[a-z_]+$/.test(stream)) throw new Error(`not an audit stream: ${stream}`);
  }
  const sql = ordered
    .map((stream) => `SELECT pg_advisory_xact_lock(hashtext('audit:${stream}')); SELECT "seq", "hash" FROM "AuditEvent" WHERE "stream" = '${stream}' ORDER BY "seq" DESC LIMIT 1`)
    .join("; ");
  return {
    sql,
    heads(opened) {
      if (opened.length !== ordered.length * 2) throw new Error(`expected ${ordered.length * 2} results from the stream locks, got ${opened.length}`);
      return new Map(ordered.map((stream, i) => [stream, (opened[i * 2 + 1]!.rows[0] as Head | undefined) ?? null]));
    },
  };
}

/** Inserts events already chained, in one statement (named: PostgreSQL parses and plans it once per connection). */
export async function insertPostgresAuditRows(client: pg.ClientBase, ev: readonly RecordedAuditEvent[]): Promise<void> {
  if (ev.length === 0) return;
  await client.query({ name: "mandate-audit-insert", text: INSERT_AUDIT, values: [auditRowsParameter(ev)] });
}

/**
 * The rows auditInsertSql reads as $1, in AUDIT_COLUMNS order. Timestamps go
 * as ISO strings in UTC, which the timestamp column takes without the zone.
 */
export function auditRowsParameter(ev: readonly RecordedAuditEvent[]): string {
  return JSON.stringify(ev.map((e) => [
    e.id, e.occurredAt.toISOString(), e.stream, e.seq, e.actorType, e.actorId, e.actorLabel, e.onBehalfOfId, e.action, e.targetType, e.targetId,
    e.targetLabel, e.decision, e.reason, e.sessionId, e.requestId, e.clientAddress, e.detail, e.prevHash, e.hash,
  ]));
}

/** The streams these events are chained on. */
export function auditStreamsOf(inputs: readonly AuditInput[]): string[] {
  return [...new Set(inputs.map((input) => streamOf(auditActionSchema.parse(input.action))))];
}

/** Chains events per stream, in the order given, onto heads read under the streams' locks (lockAuditStreams). */
export function chainAuditBatch(inputs: readonly AuditInput[], heads: ReadonlyMap<string, Head>): RecordedAuditEvent[] {
  const last = new Map(heads);
  return inputs.map((input) => {
    const stream = streamOf(auditActionSchema.parse(input.action));
    if (!last.has(stream)) throw new Error(`audit stream ${stream} is not locked`);
    const row = chainAuditEvent(input, last.get(stream) ?? null);
    last.set(stream, row);
    return row;
  });
}
