import type { Db } from "@/lib/db/client";
import { notDrillAgent } from "@/lib/drills/drill-agent";
import type { AgentStatus } from "@/lib/db/generated/sqlite/enums";
import { excessPrivilege, type ExcessPrivilege } from "@/lib/reviews/scope-usage";
import { activeSessionFilter } from "@/lib/sessions/active-session-filter";

export type OverviewSummary = {
  agents: Record<AgentStatus, number> & { total: number };
  mcpServers: number;
  toolsPendingApproval: number;
  activeSessions: number;
  auditEventsLast24h: number;
  /** Agent → tool grants unused in 90 days (scope review). */
  excessPrivilege: ExcessPrivilege;
};

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The overview's headline numbers, run concurrently: each is one indexed count,
 * except the excess-privilege figure (one grants query and one GROUP BY over 90
 * days of tool calls).
 */
export async function getOverviewSummary(db: Db, now: Date = new Date()): Promise<OverviewSummary> {
  const [agentsByStatus, mcpServers, toolsPendingApproval, activeSessions, auditEventsLast24h, excess] =
    await Promise.all([
      // The built-in drill agent is not one of the organisation's agents.
      db.agent.groupBy({ by: ["status"], where: notDrillAgent, _count: { _all: true } }),
      db.mcpServer.count(),
      db.tool.count({ where: { status: "pending" } }),
      db.agentSession.count({ where: activeSessionFilter(now) }),
      db.auditEvent.count({ where: { occurredAt: { gte: new Date(now.getTime() - DAY_MS) } } }),
      excessPrivilege(db, now),
    ]);

  const agents: OverviewSummary["agents"] = { pending: 0, active: 0, suspended: 0, retired: 0, total: 0 };
  for (const group of agentsByStatus) {
    agents[group.status] = group._count._all;
    agents.total += group._count._all;
  }
  return { agents, mcpServers, toolsPendingApproval, activeSessions, auditEventsLast24h, excessPrivilege: excess };
}
