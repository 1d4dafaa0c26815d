"use client";

import type { ColumnDef } from "@tanstack/react-table";
import { DateTime } from "@/components/console/date-time";
import { RiskBadge } from "@/components/console/risk-badge";
import { DataTableColumnHeader } from "@/components/ui/data-table";
import type { ServerTool } from "@/lib/servers/get-server";
import { ToolRowActions } from "./tool-row-actions";
import { ToolStatusBadge } from "./tool-status-badge";

export function toolColumns(canApprove: boolean): ColumnDef<ServerTool>[] {
  const columns: ColumnDef<ServerTool>[] = [
    {
      accessorKey: "name",
      header: ({ column }) => <DataTableColumnHeader column={column} title="Name" />,
      cell: ({ row }) => (
        <span className="font-mono text-xs font-medium" title={row.original.description ?? undefined}>
          {row.original.name}
        </span>
      ),
    },
    {
      accessorKey: "title",
      header: ({ column }) => <DataTableColumnHeader column={column} title="Title" />,
      cell: ({ row }) => row.original.title ?? <span className="text-muted-foreground">—</span>,
    },
    {
      accessorKey: "risk",
      header: ({ column }) => <DataTableColumnHeader column={column} title="Risk" />,
      cell: ({ row }) => <RiskBadge risk={row.original.risk} />,
    },
    {
      accessorKey: "scope",
      header: ({ column }) => <DataTableColumnHeader column={column} title="Scope" />,
      cell: ({ row }) => <span className="font-mono text-xs">{row.original.scope}</span>,
    },
    {
      accessorKey: "status",
      header: ({ column }) => <DataTableColumnHeader column={column} title="Status" />,
      cell: ({ row }) => (
        <ToolStatusBadge status={row.original.status} definitionChanged={row.original.definitionChanged !== null} />
      ),
    },
    {
      accessorKey: "firstSeenAt",
      header: ({ column }) => <DataTableColumnHeader column={column} title="First seen" />,
      cell: ({ row }) => <DateTime iso={row.original.firstSeenAt} stacked />,
    },
    {
      accessorKey: "lastSeenAt",
      header: ({ column }) => <DataTableColumnHeader column={column} title="Last seen" />,
      cell: ({ row }) => <DateTime iso={row.original.lastSeenAt} stacked />,
    },
  ];
  if (canApprove) {
    columns.push({
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      enableSorting: false,
      cell: ({ row }) => <ToolRowActions tool={row.original} />,
    });
  }
  return columns;
}
