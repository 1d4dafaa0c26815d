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
  /** The agent, person and MCP server the event concerns, where its actor and target do not say (see subjectsOf). */
  agentId: z.string().nullish(),
  personId: z.string().nullish(),
  serverId: z.string().nullish(),
});

export type AuditInput = z.input<typeof auditInputSchema>;
export type RecordedAuditEvent = ChainedFields & AuditSubjects & { prevHash: string; hash: string };

/** Stable ids of what an event concerns, beside its actor's and target's display text. */
export interface AuditSubjects {
  agentId: string | null;
  personId: string | null;
  serverId: string | null;
}

/**
 * The agent, person and server an event concerns: those its writer names,
 * else its actor or target when that is one. A tool call (target: the tool)
 * or a revoked session (target: the session) names its agent, person and
 * server itself, so that "everything about agent X" is one filter.
 */
export function subjectsOf(e: {
  actorType: string;
  actorId?: string | null;
  onBehalfOfId?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  agentId?: string | null;
  personId?: string | null;
  serverId?: string | null;
}): AuditSubjects {
  const target = (type: string) => (e.targetType === type ? (e.targetId ?? null) : null);
  return {
    agentId: e.agentId ?? (e.actorType === "agent" ? (e.actorId ?? null) : null) ?? target("agent"),
    personId: e.personId ?? target("user") ?? e.onBehalfOfId ?? (e.actorType === "user" ? (e.actorId ?? null) : null),
    // Server changes name their target "server", protocol events "mcp_server": both are an MCP server's id.
    serverId: e.serverId ?? target("mcp_server") ?? target("server"),
  };
}

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
 * (lib/db/stores/mints/, lib/db/stores/tool-calls/).
 */
export function chainAuditEvent(input: AuditInput, head: { seq: number; hash: string } | null): RecordedAuditEvent {
  const e = auditInputSchema.parse(input);
  const occurredAt = e.occurredAt ?? new Date();
  // The console request being served, when the caller did not name its own.
  const request = currentAuditRequestContext();
  const fields: ChainedFields & AuditSubjects = {
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
    ...subjectsOf(e),
  };
  const prevHash = head?.hash ?? GENESIS_HASH;
  return { ...fields, prevHash, hash: chainHash(prevHash, fields) };
}
