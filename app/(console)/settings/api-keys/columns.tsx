"use client";

import type { ColumnDef } from "@tanstack/react-table";
import { Badge, StatusBadge, type BadgeVariant } from "@/components/ui/badge";
import { DataTableColumnHeader } from "@/components/ui/data-table";
import { DateTime } from "@/components/console/date-time";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import type { ApiKeyRow } from "./api-key-row";
import { KeyActions } from "./key-actions";
import type { RevealedSecret } from "./secret-dialog";

const statusVariant: Record<ApiKeyRow["status"], BadgeVariant> = {
  active: "success",
  expired: "neutral",
  revoked: "danger",
};

const never = (label: string) => <span className="text-muted-foreground">{label}</span>;

export function apiKeyColumns({
  canManage,
  onRotated,
}: {
  canManage: boolean;
  onRotated: (secret: RevealedSecret) => void;
}): ColumnDef<ApiKeyRow>[] {
  const columns: ColumnDef<ApiKeyRow>[] = [
    {
      id: "name",
      // The creator is part of the filterable text; the sort is by name.
      accessorFn: (k) => `${k.name} ${k.createdBy ?? ""}`,
      sortingFn: (a, b) => a.original.name.localeCompare(b.original.name),
      header: ({ column }) => <DataTableColumnHeader column={column} title="Name · held by" />,
      cell: ({ row }) => (
        <div className="grid gap-0.5">
          <span className="font-medium">{row.original.name}</span>
          <span className="text-xs text-muted-foreground">{row.original.createdBy ?? "No person (CLI)"}</span>
        </div>
      ),
    },
    {
      accessorKey: "role",
      header: ({ column }) => <DataTableColumnHeader column={column} title="Role" />,
      cell: ({ row }) => (
        <Badge variant={row.original.role === "admin" ? "default" : "secondary"}>
          {ROLE_LABELS[row.original.role]}
        </Badge>
      ),
    },
    {
      accessorKey: "prefix",
      enableSorting: false,
      header: ({ column }) => <DataTableColumnHeader column={column} title="Key" />,
      cell: ({ row }) => (
        <code
          className="font-mono text-xs text-muted-foreground"
          title="The start of the key: enough to tell keys apart"
        >
          mdt_{row.original.prefix}_…
        </code>
      ),
    },
    {
      accessorKey: "createdAt",
      header: ({ column }) => <DataTableColumnHeader column={column} title="Created" />,
      cell: ({ row }) => <DateTime iso={row.original.createdAt} />,
    },
    {
      id: "expiresAt",
      accessorFn: (k) => k.expiresAt ?? "9999",
      header: ({ column }) => <DataTableColumnHeader column={column} title="Expires" />,
      cell: ({ row }) => (row.original.expiresAt ? <DateTime iso={row.original.expiresAt} /> : never("Never")),
    },
    {
      id: "lastUsedAt",
      accessorFn: (k) => k.lastUsedAt ?? "",
      header: ({ column }) => <DataTableColumnHeader column={column} title="Last used" />,
      cell: ({ row }) => (row.original.lastUsedAt ? <DateTime iso={row.original.lastUsedAt} /> : never("Never")),
    },
    {
      accessorKey: "status",
      header: ({ column }) => <DataTableColumnHeader column={column} title="Status" />,
      cell: ({ row }) => <StatusBadge variant={statusVariant[row.original.status]}>{row.original.status}</StatusBadge>,
    },
  ];
  if (!canManage) return columns;
  return [
    ...columns,
    {
      id: "actions",
      enableSorting: false,
      header: () => <span className="sr-only">Actions</span>,
      cell: ({ row }) => <KeyActions apiKey={row.original} onRotated={onRotated} />,
    },
  ];
}
