"use client";

import { Radio } from "lucide-react";
import { DataTable, type ServerPagination } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { sessionColumns } from "./columns";
import type { SessionRow } from "./session-row";

export function SessionsTable({
  rows,
  pagination,
  query,
}: {
  rows: SessionRow[];
  pagination: ServerPagination;
  query: string;
}) {
  return (
    <DataTable
      label="Active sessions"
      columns={sessionColumns}
      data={rows}
      getRowId={(session) => session.id}
      pagination={pagination}
      searchQuery={query}
      searchPlaceholder="Search by agent, person or server…"
      emptyState={
        <EmptyState
          icon={Radio}
          title="No active sessions"
          description="When an agent obtains a token for an MCP server, its session appears here until it expires or is revoked."
        />
      }
    />
  );
}
