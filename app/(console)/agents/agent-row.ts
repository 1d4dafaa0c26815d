import type { AgentListItem } from "@/lib/agents/list-agents";

/** An agent as the browser receives it: dates as ISO strings. */
export type AgentRow = Omit<AgentListItem, "createdAt"> & { createdAt: string };

export function toAgentRow(agent: AgentListItem): AgentRow {
  return { ...agent, createdAt: agent.createdAt.toISOString() };
}
