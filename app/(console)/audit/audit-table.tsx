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
  filtered,
}: {
  rows: AuditEventRow[];
  pagination: ServerPagination;
  query: string;
  /** Filters are set: an empty result means "no match", not "no events yet". */
  filtered: boolean;
}) {
  return (
    <DataTable
      label="Audit events"
      columns={auditColumns}
      data={rows}
      getRowId={(event) => event.id}
      pagination={pagination}
      searchQuery={query}
      searchPlaceholder="Search action, names, reason, request id or address…"
      emptyState={
        filtered ? (
          <EmptyState
            icon={ScrollText}
            title="No events match these filters"
            description="Widen the time range or clear a filter."
          />
        ) : (
          <EmptyState
            icon={ScrollText}
            title="No audit events yet"
            description="Every token issued or denied, every tool call decision and every change made in this console is recorded here, in a tamper-evident chain."
          />
        )
      }
    />
  );
}
