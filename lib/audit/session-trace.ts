import type { Db } from "@/lib/db/client";
import type { AuditEventRecord } from "./event-query";
import { traceSession } from "./list-events";

export interface SessionTrace {
  sessionId: string;
  /** The session as it stands now; null when it is gone (deleted agent, or only audit events remain). */
  session: {
    agentId: string;
    agentName: string;
    userLabel: string | null;
    serverName: string;
    scopes: string;
    grantType: string;
    status: string;
    createdAt: Date;
    expiresAt: Date;
    revokedAt: Date | null;
    revokedReason: string | null;
  } | null;
  events: AuditEventRecord[];
  truncated: boolean;
  counts: { mints: number; toolCalls: number; refusals: number };
}

/** One session from authorization through every tool call to its end, for an investigator. */
export async function loadSessionTrace(db: Db, sessionId: string): Promise<SessionTrace> {
  const [row, trace] = await Promise.all([
    db.agentSession.findUnique({
      where: { id: sessionId },
      select: {
        agentId: true,
        scopes: true,
        grantType: true,
        status: true,
        createdAt: true,
        expiresAt: true,
        revokedAt: true,
        revokedReason: true,
        agent: { select: { name: true } },
        server: { select: { name: true } },
        user: { select: { displayName: true, email: true } },
      },
    }),
    traceSession(db, sessionId),
  ]);
  const counts = { mints: 0, toolCalls: 0, refusals: 0 };
  for (const e of trace.events) {
    if (e.action === "token.minted") counts.mints++;
    if (e.action === "tool.called") counts.toolCalls++;
    if (e.decision === "deny") counts.refusals++;
  }
  return {
    sessionId,
    session: row
      ? {
          agentId: row.agentId,
          agentName: row.agent.name,
          userLabel: row.user ? `${row.user.displayName} <${row.user.email}>` : null,
          serverName: row.server.name,
          scopes: row.scopes,
          grantType: row.grantType,
          status: row.status,
          createdAt: row.createdAt,
          expiresAt: row.expiresAt,
          revokedAt: row.revokedAt,
          revokedReason: row.revokedReason,
        }
      : null,
    events: trace.events,
    truncated: trace.truncated,
    counts,
  };
}
