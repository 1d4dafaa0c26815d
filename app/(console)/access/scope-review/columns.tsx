"use client";

import type { ColumnDef } from "@tanstack/react-table";
import Link from "next/link";
import { StatusBadge, type BadgeVariant } from "@/components/ui/badge";
import { DataTableColumnHeader } from "@/components/ui/data-table";
import type { AgentScopeUsage } from "@/lib/reviews/scope-usage";
import { cn } from "@/lib/utils/cn";

const statusVariant: Record<AgentScopeUsage["status"], BadgeVariant> = {
  pending: "warning",
  active: "success",
  suspended: "warning",
  retired: "neutral",
};

const numeric = (title: string, key: "granted" | "used30" | "used90"): ColumnDef<AgentScopeUsage> => ({
  accessorKey: key,
  header: ({ column }) => <DataTableColumnHeader column={column} title={title} />,
  cell: ({ row }) => <span className="tabular-nums">{row.original[key]}</span>,
});

export const scopeReviewColumns: ColumnDef<AgentScopeUsage>[] = [
  {
    accessorKey: "name",
    header: ({ column }) => <DataTableColumnHeader column={column} title="Agent" />,
    cell: ({ row }) => (
      <Link
        href={`/access/scope-review/${row.original.agentId}`}
        className="font-medium text-primary underline-offset-4 hover:underline"
      >
        {row.original.name}
      </Link>
    ),
  },
  {
    accessorKey: "kind",
    header: ({ column }) => <DataTableColumnHeader column={column} title="Kind" />,
    cell: ({ row }) => <span className="capitalize">{row.original.kind}</span>,
  },
  {
    accessorKey: "status",
    header: ({ column }) => <DataTableColumnHeader column={column} title="Status" />,
    cell: ({ row }) => <StatusBadge variant={statusVariant[row.original.status]}>{row.original.status}</StatusBadge>,
  },
  numeric("Granted", "granted"),
  numeric("Used (30d)", "used30"),
  numeric("Used (90d)", "used90"),
  {
    accessorKey: "excessPercent",
    header: ({ column }) => <DataTableColumnHeader column={column} title="Excess" />,
    cell: ({ row }) => {
      const v = row.original.excessPercent;
      return (
        <span
          className={cn(
            "tabular-nums font-medium",
            v >= 50
              ? "text-destructive"
              : v > 0
                ? "text-warning-foreground dark:text-warning"
                : "text-muted-foreground",
          )}
        >
          {v}%
        </span>
      );
    },
  },
];
