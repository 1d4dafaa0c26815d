import type pg from "pg";
import { pgTimestamp } from "@/lib/db/raw-values";
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
const INSERT_AUDIT = `
INSERT INTO "AuditEvent" ("id", "occurredAt", "stream", "seq", "actorType", "actorId", "actorLabel", "onBehalfOfId", "action", "targetType", "targetId", "targetLabel", "decision", "reason", "sessionId", "requestId", "clientAddress", "detail", "prevHash", "hash")
SELECT u.id, u.at, u.stream, u.seq, u.actor_type::"ActorType", u.actor_id, u.actor_label, u.obo, u.action, u.target_type, u.target_id, u.target_label, u.decision::"Decision",
  u.reason, u.sid, u.rid, u.addr, u.detail, u.prev, u.hash
FROM unnest($1::text[], $2::timestamp(3)[], $3::text[], $4::int4[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[],
  $14::text[], $15::text[], $16::text[], $17::text[], $18::jsonb[], $19::text[], $20::text[])
  AS u(id, at, stream, seq, actor_type, actor_id, actor_label, obo, action, target_type, target_id, target_label, decision, reason, sid, rid, addr, detail, prev, hash)`;

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
  await client.query({ name: "mandate-audit-insert", text: INSERT_AUDIT, values: [
    ev.map((e) => e.id), ev.map((e) => pgTimestamp(e.occurredAt)), ev.map((e) => e.stream), ev.map((e) => e.seq), ev.map((e) => e.actorType), ev.map((e) => e.actorId),
    ev.map((e) => e.actorLabel), ev.map((e) => e.onBehalfOfId), ev.map((e) => e.action), ev.map((e) => e.targetType), ev.map((e) => e.targetId),
    ev.map((e) => e.targetLabel), ev.map((e) => e.decision), ev.map((e) => e.reason), ev.map((e) => e.sessionId), ev.map((e) => e.requestId),
    ev.map((e) => e.clientAddress), ev.map((e) => (e.detail === null ? null : JSON.stringify(e.detail))), ev.map((e) => e.prevHash), ev.map((e) => e.hash),
  ] });
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
