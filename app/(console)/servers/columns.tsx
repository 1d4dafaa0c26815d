"use client";

import type { ColumnDef } from "@tanstack/react-table";
import Link from "next/link";
import { StatusBadge } from "@/components/ui/badge";
import { DataTableColumnHeader } from "@/components/ui/data-table";
import type { ServerListItem } from "@/lib/servers/list-servers";

export const serverColumns: ColumnDef<ServerListItem>[] = [
  {
    accessorKey: "name",
    header: ({ column }) => <DataTableColumnHeader column={column} title="Name" />,
    // The cell holds the name alone, so the name is also the cell's accessible name.
    cell: ({ row }) => (
      <Link href={`/servers/${row.original.id}`} className="font-medium underline-offset-4 hover:underline">
        {row.original.name}
      </Link>
    ),
  },
  {
    accessorKey: "resourceUri",
    header: ({ column }) => <DataTableColumnHeader column={column} title="Resource URI" />,
    cell: ({ row }) => (
      <div className="grid max-w-[24rem]">
        <span className="truncate font-mono text-xs" title={row.original.resourceUri}>
          {row.original.resourceUri}
        </span>
        {row.original.enforcementMode === "gateway" ? (
          <span className="text-xs text-muted-foreground">Gateway path /mcp/{row.original.slug}</span>
        ) : null}
      </div>
    ),
  },
  {
    accessorKey: "enforcementMode",
    header: ({ column }) => <DataTableColumnHeader column={column} title="Enforcement" />,
    cell: ({ row }) =>
      row.original.enforcementMode === "gateway" ? (
        <StatusBadge variant="read">gateway</StatusBadge>
      ) : (
        <StatusBadge variant="neutral">native</StatusBadge>
      ),
  },
  {
    accessorKey: "toolCount",
    header: ({ column }) => <DataTableColumnHeader column={column} title="Tools" />,
    cell: ({ row }) => <span className="tabular-nums">{row.original.toolCount}</span>,
  },
  {
    accessorKey: "pendingToolCount",
    header: ({ column }) => <DataTableColumnHeader column={column} title="Pending" />,
    cell: ({ row }) =>
      row.original.pendingToolCount > 0 ? (
        <Link
          href={`/servers/${row.original.id}`}
          className="hover:underline"
          data-testid="server-pending"
          title="Tools pending approval: open the server to decide"
        >
          <StatusBadge variant="warning">{`${row.original.pendingToolCount} pending`}</StatusBadge>
        </Link>
      ) : (
        <span className="text-muted-foreground">—</span>
      ),
  },
  {
    id: "owner",
    accessorFn: (server) => server.owner?.displayName ?? "",
    header: ({ column }) => <DataTableColumnHeader column={column} title="Owner" />,
    cell: ({ row }) =>
      row.original.owner ? (
        row.original.owner.displayName
      ) : (
        <span className="text-muted-foreground italic">No owner</span>
      ),
  },
];
