"use client";

import { Radio } from "lucide-react";
import { useMemo } from "react";
import { DataTable, type ServerPagination } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { sessionColumns } from "./columns";
import type { SessionRow } from "./session-row";

export function SessionsTable({
  rows,
  pagination,
  query,
  canRevoke,
}: {
  rows: SessionRow[];
  pagination: ServerPagination;
  query: string;
  canRevoke: boolean;
}) {
  const columns = useMemo(() => sessionColumns(canRevoke), [canRevoke]);
  return (
    <DataTable
      label="Active sessions"
      columns={columns}
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
