"use client";

import { KeyRound } from "lucide-react";
import { DataTable, type ServerPagination } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import type { EntitlementListItem } from "@/lib/entitlements/list-entitlements";
import { entitlementColumns } from "./columns";

export function EntitlementsTable({
  rows,
  pagination,
  query,
}: {
  rows: EntitlementListItem[];
  pagination: ServerPagination;
  query: string;
}) {
  return (
    <DataTable
      label="Entitlements"
      columns={entitlementColumns}
      data={rows}
      getRowId={(entitlement) => entitlement.id}
      pagination={pagination}
      searchQuery={query}
      searchPlaceholder="Search entitlements or servers…"
      emptyState={
        <EmptyState
          icon={KeyRound}
          title="No entitlements yet"
          description="An entitlement bundles approved tools of one MCP server with a maximum session length. Assign it to agents, people or groups to grant access."
        />
      }
    />
  );
}
