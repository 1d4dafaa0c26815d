"use client";

import { Link2 } from "lucide-react";
import Link from "next/link";
import { Button } from "@/components/ui/button";
import type { ReactNode } from "react";
import { DataTable, type ServerPagination } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import type { AssignmentRow } from "./assignment-row";
import { assignmentColumns } from "./columns";

export function AssignmentsTable({
  rows,
  pagination,
  query,
  canEnd,
  filters,
}: {
  rows: AssignmentRow[];
  pagination: ServerPagination;
  query: string;
  canEnd: boolean;
  filters: ReactNode;
}) {
  return (
    <DataTable
      label="Assignments"
      columns={assignmentColumns(canEnd)}
      data={rows}
      getRowId={(a) => a.id}
      pagination={pagination}
      searchQuery={query}
      searchPlaceholder="Search by entitlement, agent, person or group…"
      toolbarActions={filters}
      emptyState={
        <EmptyState
          icon={Link2}
          title="No live assignments"
          description="Nothing matches these filters. Assign an entitlement from its page or from an agent's page."
          // With no rows the table (and its filter bar) is replaced by this state: offer the way back.
          action={
            <Button variant="outline" size="sm" asChild>
              <Link href="/entitlements/assignments">Clear filters</Link>
            </Button>
          }
        />
      }
    />
  );
}
