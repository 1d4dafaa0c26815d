"use client";

import type { ColumnDef } from "@tanstack/react-table";
import { UsersRound } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { DataTable, DataTableColumnHeader, type ServerPagination } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { DateTime } from "@/components/console/date-time";

export interface GroupRow {
  id: string;
  displayName: string;
  externalId: string | null;
  source: string;
  members: number;
  liveAssignments: number;
  updatedAt: string;
}

const columns: ColumnDef<GroupRow>[] = [
  {
    accessorKey: "displayName",
    header: ({ column }) => <DataTableColumnHeader column={column} title="Group" />,
    cell: ({ row }) => (
      <div className="grid gap-0.5">
        <span className="font-medium">{row.original.displayName}</span>
        {row.original.externalId ? (
          <span className="font-mono text-xs text-muted-foreground">{row.original.externalId}</span>
        ) : null}
      </div>
    ),
  },
  {
    accessorKey: "source",
    header: ({ column }) => <DataTableColumnHeader column={column} title="Source" />,
    cell: ({ row }) => <Badge variant="muted">{row.original.source === "scim" ? "SCIM" : row.original.source}</Badge>,
  },
  {
    accessorKey: "members",
    header: ({ column }) => <DataTableColumnHeader column={column} title="Members" />,
    cell: ({ row }) => <span className="tabular-nums">{row.original.members}</span>,
  },
  {
    accessorKey: "liveAssignments",
    header: ({ column }) => <DataTableColumnHeader column={column} title="Live grants" />,
    cell: ({ row }) => <span className="tabular-nums">{row.original.liveAssignments}</span>,
  },
  {
    accessorKey: "updatedAt",
    header: ({ column }) => <DataTableColumnHeader column={column} title="Changed" />,
    cell: ({ row }) => <DateTime iso={row.original.updatedAt} />,
  },
];

export function GroupsTable({
  rows,
  pagination,
  query,
}: {
  rows: GroupRow[];
  pagination: ServerPagination;
  query: string;
}) {
  return (
    <DataTable
      label="Groups"
      columns={columns}
      data={rows}
      getRowId={(g) => g.id}
      pagination={pagination}
      searchQuery={query}
      searchPlaceholder="Search by name…"
      emptyState={
        <EmptyState
          icon={UsersRound}
          title="No groups"
          description="Groups appear when the IdP provisions them over SCIM."
        />
      }
    />
  );
}
