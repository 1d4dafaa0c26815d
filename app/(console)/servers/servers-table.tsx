"use client";

import { Server } from "lucide-react";
import { DataTable, type ServerPagination } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import type { ServerListItem } from "@/lib/servers/list-servers";
import { serverColumns } from "./columns";

export function ServersTable({
  rows,
  pagination,
  query,
}: {
  rows: ServerListItem[];
  pagination: ServerPagination;
  query: string;
}) {
  return (
    <DataTable
      label="MCP servers"
      columns={serverColumns}
      data={rows}
      getRowId={(server) => server.id}
      pagination={pagination}
      searchQuery={query}
      searchPlaceholder="Search servers by name or resource URI…"
      emptyState={
        <EmptyState
          icon={Server}
          title="No MCP servers yet"
          description="Register an MCP server to discover its tools, approve them and turn them into scopes that entitlements can grant."
        />
      }
    />
  );
}
