import { z } from "zod";
import { providerOf, type Db, type Tx } from "@/lib/db/client";
import { timeOrderedId } from "@/lib/ids/time-ordered-id";
import { auditActionSchema, streamOf } from "./actions";
import { chainHash, GENESIS_HASH, type ChainedFields } from "./chain";

const auditInputSchema = z.object({
  action: auditActionSchema,
  actorType: z.enum(["user", "agent", "system", "apikey"]),
  actorId: z.string().nullish(),
  actorLabel: z.string().max(300).nullish(),
  onBehalfOfId: z.string().nullish(),
  targetType: z.string().max(64).nullish(),
  targetId: z.string().nullish(),
  targetLabel: z.string().max(300).nullish(),
  decision: z.enum(["allow", "deny", "info"]),
  reason: z.string().max(1000).nullish(),
  sessionId: z.string().nullish(),
  requestId: z.string().max(128).nullish(),
  clientAddress: z.string().max(64).nullish(),
  detail: z.unknown().optional(),
  occurredAt: z.date().optional(),
});

export type AuditInput = z.input<typeof auditInputSchema>;
export type RecordedAuditEvent = ChainedFields & { prevHash: string; hash: string };

/**
 * Appends one event to the audit trail. Call it with the transaction that
 * makes the change being recorded: the event and the change commit together
 * or not at all.
 */
export async function recordAudit(tx: Tx | Db, input: AuditInput): Promise<RecordedAuditEvent> {
  const e = auditInputSchema.parse(input);
  const stream = streamOf(e.action);
  if (providerOf(tx) === "postgresql") {
    // Serialises appenders of one stream across connections and instances until commit.
    await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(hashtext($1))", `audit:${stream}`);
  }
  const head = await tx.auditEvent.findFirst({
    where: { stream },
    orderBy: { seq: "desc" },
    select: { seq: true, hash: true },
  });
  const occurredAt = e.occurredAt ?? new Date();
  const fields: ChainedFields = {
    id: timeOrderedId(occurredAt.getTime()),
    occurredAt,
    stream,
    seq: (head?.seq ?? 0) + 1,
    actorType: e.actorType,
    actorId: e.actorId ?? null,
    actorLabel: e.actorLabel ?? null,
    onBehalfOfId: e.onBehalfOfId ?? null,
    action: e.action,
    targetType: e.targetType ?? null,
    targetId: e.targetId ?? null,
    targetLabel: e.targetLabel ?? null,
    decision: e.decision,
    reason: e.reason ?? null,
    sessionId: e.sessionId ?? null,
    requestId: e.requestId ?? null,
    clientAddress: e.clientAddress ?? null,
    detail: e.detail ?? null,
  };
  const prevHash = head?.hash ?? GENESIS_HASH;
  const hash = chainHash(prevHash, fields);
  await tx.auditEvent.create({
    data: {
      ...fields,
      actorType: e.actorType,
      decision: e.decision,
      detail: (fields.detail ?? undefined) as never,
      prevHash,
      hash,
    },
  });
  return { ...fields, prevHash, hash };
}

/**
 * Appends several events in one go, chained exactly as one recordAudit call
 * each would chain them (in the order given, per stream), with one head read
 * and one multi-row insert per stream. For cascades that record hundreds of
 * consequences in one transaction (an offboarding revokes every session).
 */
export async function recordAuditBatch(tx: Tx | Db, inputs: AuditInput[]): Promise<RecordedAuditEvent[]> {
  const parsed = inputs.map((i) => auditInputSchema.parse(i));
  const byStream = new Map<string, number[]>();
  parsed.forEach((e, i) => {
    const stream = streamOf(e.action);
    byStream.set(stream, [...(byStream.get(stream) ?? []), i]);
  });
  const out: RecordedAuditEvent[] = new Array(parsed.length);
  for (const [stream, indexes] of byStream) {
    if (providerOf(tx) === "postgresql") await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(hashtext($1))", `audit:${stream}`);
    const head = await tx.auditEvent.findFirst({ where: { stream }, orderBy: { seq: "desc" }, select: { seq: true, hash: true } });
    let seq = head?.seq ?? 0;
    let prevHash = head?.hash ?? GENESIS_HASH;
    const rows = [];
    for (const i of indexes) {
      const e = parsed[i]!;
      const occurredAt = e.occurredAt ?? new Date();
      const fields: ChainedFields = {
        id: timeOrderedId(occurredAt.getTime()), occurredAt, stream, seq: ++seq, actorType: e.actorType, actorId: e.actorId ?? null,
        actorLabel: e.actorLabel ?? null, onBehalfOfId: e.onBehalfOfId ?? null, action: e.action, targetType: e.targetType ?? null,
        targetId: e.targetId ?? null, targetLabel: e.targetLabel ?? null, decision: e.decision, reason: e.reason ?? null,
        sessionId: e.sessionId ?? null, requestId: e.requestId ?? null, clientAddress: e.clientAddress ?? null, detail: e.detail ?? null,
      };
      const hash = chainHash(prevHash, fields);
      rows.push({ ...fields, actorType: e.actorType, decision: e.decision, detail: (fields.detail ?? undefined) as never, prevHash, hash });
      out[i] = { ...fields, prevHash, hash };
      prevHash = hash;
    }
    await tx.auditEvent.createMany({ data: rows });
  }
  return out;
}
