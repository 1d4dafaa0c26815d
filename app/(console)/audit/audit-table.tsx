"use client";

import { ScrollText } from "lucide-react";
import { DataTable, type ServerPagination } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import type { AuditEventRow } from "./audit-event-row";
import { auditColumns } from "./columns";

export function AuditTable({
  rows,
  pagination,
  query,
}: {
  rows: AuditEventRow[];
  pagination: ServerPagination;
  query: string;
}) {
  return (
    <DataTable
      label="Audit events"
      columns={auditColumns}
      data={rows}
      getRowId={(event) => event.id}
      pagination={pagination}
      searchQuery={query}
      searchPlaceholder="Search by action, actor or target…"
      emptyState={
        <EmptyState
          icon={ScrollText}
          title="No audit events yet"
          description="Every token issued or denied, every tool call decision and every change made in this console is recorded here, in a tamper-evident chain."
        />
      }
    />
  );
}
