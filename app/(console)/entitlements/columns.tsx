"use client";

import type { ColumnDef } from "@tanstack/react-table";
import Link from "next/link";
import { DataTableColumnHeader } from "@/components/ui/data-table";
import type { EntitlementListItem } from "@/lib/entitlements/list-entitlements";
import { formatDuration } from "@/lib/utils/format";

export const entitlementColumns: ColumnDef<EntitlementListItem>[] = [
  {
    accessorKey: "name",
    header: ({ column }) => <DataTableColumnHeader column={column} title="Name" />,
    cell: ({ row }) => (
      <div className="grid max-w-[28rem]">
        <Link href={`/entitlements/${row.original.id}`} className="font-medium hover:underline">
          {row.original.name}
        </Link>
        {row.original.description ? (
          <span className="truncate text-xs text-muted-foreground" title={row.original.description}>
            {row.original.description}
          </span>
        ) : null}
      </div>
    ),
  },
  {
    id: "server",
    accessorFn: (entitlement) => entitlement.server.name,
    header: ({ column }) => <DataTableColumnHeader column={column} title="Server" />,
  },
  {
    accessorKey: "toolCount",
    header: ({ column }) => <DataTableColumnHeader column={column} title="Tools" />,
    cell: ({ row }) => <span className="tabular-nums">{row.original.toolCount}</span>,
  },
  {
    accessorKey: "maxSessionSeconds",
    header: ({ column }) => <DataTableColumnHeader column={column} title="Max session" />,
    cell: ({ row }) => <span className="tabular-nums">{formatDuration(row.original.maxSessionSeconds)}</span>,
  },
];
