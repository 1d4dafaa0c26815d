import type { AuditEventRecord } from "@/lib/audit/event-query";

/** An audit event as the timeline receives it: dates as ISO strings, no hashes or detail. */
export type AuditEventRow = Pick<
  AuditEventRecord,
  | "id"
  | "actorType"
  | "actorId"
  | "actorLabel"
  | "action"
  | "targetType"
  | "targetId"
  | "targetLabel"
  | "decision"
  | "reason"
  | "sessionId"
> & {
  occurredAt: string;
  /** A tool call by an agent now suspended or retired; `after`: made after that state change. */
  agentStanding?: { status: "suspended" | "retired"; after: boolean };
};

export function toAuditEventRow(e: AuditEventRecord, agentStanding?: AuditEventRow["agentStanding"]): AuditEventRow {
  return {
    ...(agentStanding ? { agentStanding } : {}),
    id: e.id,
    occurredAt: e.occurredAt.toISOString(),
    actorType: e.actorType,
    actorId: e.actorId,
    actorLabel: e.actorLabel,
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId,
    targetLabel: e.targetLabel,
    decision: e.decision,
    reason: e.reason,
    sessionId: e.sessionId,
  };
}
