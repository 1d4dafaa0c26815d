"use client";

import { Bot } from "lucide-react";
import { DataTable, type ServerPagination } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import type { AgentRow } from "./agent-row";
import { agentColumns } from "./columns";

export function AgentsTable({
  rows,
  pagination,
  query,
}: {
  rows: AgentRow[];
  pagination: ServerPagination;
  query: string;
}) {
  return (
    <DataTable
      label="Agents"
      columns={agentColumns}
      data={rows}
      getRowId={(agent) => agent.id}
      pagination={pagination}
      searchQuery={query}
      searchPlaceholder="Search agents by name or client ID…"
      emptyState={
        <EmptyState
          icon={Bot}
          title="No agents yet"
          description="Agents are the non-human identities that call MCP servers. Once an agent is registered, its status, owner and credentials show up here."
        />
      }
    />
  );
}
