import type pg from "pg";
import { auditActionSchema, streamOf } from "./actions";
import { chainAuditEvent, type AuditInput, type RecordedAuditEvent } from "./record";

/**
 * Audit appends on a node-postgres connection, inside the caller's
 * transaction: per stream the advisory lock recordAudit takes, one read of the
 * chain's head and one multi-row insert (unnest of column arrays). For the
 * writers that append in volume — token mints, the gateway's tool calls —
 * where the ORM's raw queries cost several times the driver's CPU per event.
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

// Prisma's timestamp(3) columns hold UTC wall-clock time without a zone.
const ts = (d: Date) => d.toISOString().replace("Z", "");

/** Takes one stream's append lock (until commit) and reads its head: the event the next one links to, or null. */
export async function lockPostgresAuditStream(client: pg.ClientBase, stream: string): Promise<{ seq: number; hash: string } | null> {
  await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`audit:${stream}`]);
  const res = await client.query(`SELECT "seq", "hash" FROM "AuditEvent" WHERE "stream" = $1 ORDER BY "seq" DESC LIMIT 1`, [stream]);
  return (res.rows[0] as { seq: number; hash: string } | undefined) ?? null;
}

/** Inserts events already chained, in one statement. */
export async function insertPostgresAuditRows(client: pg.ClientBase, ev: readonly RecordedAuditEvent[]): Promise<void> {
  if (ev.length === 0) return;
  await client.query(INSERT_AUDIT, [
    ev.map((e) => e.id), ev.map((e) => ts(e.occurredAt)), ev.map((e) => e.stream), ev.map((e) => e.seq), ev.map((e) => e.actorType), ev.map((e) => e.actorId),
    ev.map((e) => e.actorLabel), ev.map((e) => e.onBehalfOfId), ev.map((e) => e.action), ev.map((e) => e.targetType), ev.map((e) => e.targetId),
    ev.map((e) => e.targetLabel), ev.map((e) => e.decision), ev.map((e) => e.reason), ev.map((e) => e.sessionId), ev.map((e) => e.requestId),
    ev.map((e) => e.clientAddress), ev.map((e) => (e.detail === null ? null : JSON.stringify(e.detail))), ev.map((e) => e.prevHash), ev.map((e) => e.hash),
  ]);
}

/** Appends events chained per stream in the order given. Streams are locked in a fixed order, so two writers never deadlock. */
export async function appendPostgresAuditBatch(client: pg.ClientBase, inputs: readonly AuditInput[]): Promise<RecordedAuditEvent[]> {
  const byStream = new Map<string, number[]>();
  inputs.forEach((input, at) => {
    const stream = streamOf(auditActionSchema.parse(input.action));
    const list = byStream.get(stream);
    if (list) list.push(at);
    else byStream.set(stream, [at]);
  });
  const recorded = new Array<RecordedAuditEvent>(inputs.length);
  for (const stream of [...byStream.keys()].sort()) {
    let previous = await lockPostgresAuditStream(client, stream);
    const rows = byStream.get(stream)!.map((at) => {
      const row = chainAuditEvent(inputs[at]!, previous);
      previous = row;
      recorded[at] = row;
      return row;
    });
    await insertPostgresAuditRows(client, rows);
  }
  return recorded;
}
