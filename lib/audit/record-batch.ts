import type { Db, Tx } from "@/lib/db/client";
import { auditHead, insertAuditRows, lockAuditStream, type AuditHead } from "@/lib/db/stores/audit/prisma";
import { auditActionSchema, streamOf } from "./actions";
import { chainAuditEvent, type AuditInput, type RecordedAuditEvent } from "./record";

/**
 * Appends events to the audit trail inside the caller's transaction: per
 * stream one lock (on PostgreSQL), one read of the chain's head and one
 * multi-row insert, with consecutive seq in the order given. recordAudit is
 * this with one event; the driver-level writers (token mints, the gateway's
 * tool calls) chain with chainAuditBatch and insert through the same column
 * definition (lib/db/stores/audit/columns.ts), so verifyAuditChain cannot tell
 * any of them apart.
 */
export async function recordAuditBatch(tx: Tx | Db, inputs: readonly AuditInput[]): Promise<RecordedAuditEvent[]> {
  const streams = auditStreamsOf(inputs);
  const heads = new Map<string, AuditHead>();
  // Streams in a fixed order, so two writers never take their locks in opposite orders.
  for (const stream of [...streams].sort()) {
    await lockAuditStream(tx, stream);
    heads.set(stream, await auditHead(tx, stream));
  }
  const recorded = chainAuditBatch(inputs, heads);
  await insertAuditRows(tx, recorded);
  return recorded;
}

/** The streams these events are chained on. */
export function auditStreamsOf(inputs: readonly AuditInput[]): string[] {
  return [...new Set(inputs.map((input) => streamOf(auditActionSchema.parse(input.action))))];
}

/**
 * Chains events per stream, in the order given, onto each stream's head: a
 * map read under the streams' locks, or a function that reads it (called once
 * per stream, on the embedded store's write thread).
 */
export function chainAuditBatch(
  inputs: readonly AuditInput[],
  heads: ReadonlyMap<string, AuditHead> | ((stream: string) => AuditHead),
): RecordedAuditEvent[] {
  const last = new Map<string, AuditHead>(typeof heads === "function" ? [] : heads);
  return inputs.map((input) => {
    const stream = streamOf(auditActionSchema.parse(input.action));
    if (!last.has(stream)) {
      if (typeof heads !== "function") throw new Error(`audit stream ${stream} is not locked`);
      last.set(stream, heads(stream));
    }
    const row = chainAuditEvent(input, last.get(stream) ?? null);
    last.set(stream, row);
    return row;
  });
}
