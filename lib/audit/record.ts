import { z } from "zod";
import type { Db, Tx } from "@/lib/db/client";
import { timeOrderedId } from "@/lib/ids/time-ordered-id";
import { auditActionSchema, streamOf } from "./actions";
import { chainHash, GENESIS_HASH, type ChainedFields } from "./chain";
import { recordAuditBatch } from "./record-batch";
import { currentAuditRequestContext } from "./request-context";

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
  const [event] = await recordAuditBatch(tx, [input]);
  return event!;
}

/**
 * Validates one event and links it after `head` (the stream's last event, or
 * null for the first): the single place an event's fields and hash are made,
 * whether it is written by recordAuditBatch or by a driver-level batch writer
 * (lib/tokens/mint-store-*.ts, lib/gateway/call-audit-store*.ts).
 */
export function chainAuditEvent(input: AuditInput, head: { seq: number; hash: string } | null): RecordedAuditEvent {
  const e = auditInputSchema.parse(input);
  const occurredAt = e.occurredAt ?? new Date();
  // The console request being served, when the caller did not name its own.
  const request = currentAuditRequestContext();
  const fields: ChainedFields = {
    id: timeOrderedId(occurredAt.getTime()),
    occurredAt,
    stream: streamOf(e.action),
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
    requestId: e.requestId ?? request?.requestId ?? null,
    clientAddress: e.clientAddress ?? request?.clientAddress ?? null,
    detail: e.detail ?? null,
  };
  const prevHash = head?.hash ?? GENESIS_HASH;
  return { ...fields, prevHash, hash: chainHash(prevHash, fields) };
}
