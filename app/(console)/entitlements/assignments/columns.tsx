"use client";

import type { ColumnDef } from "@tanstack/react-table";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { DataTableColumnHeader } from "@/components/ui/data-table";
import { DateTime } from "@/components/console/date-time";
import type { AssignmentRow } from "./assignment-row";
import { EndAssignmentButton } from "./end-assignment-button";
import { personHref } from "@/lib/people/person-option";

export function assignmentColumns(canEnd: boolean): ColumnDef<AssignmentRow>[] {
  const columns: ColumnDef<AssignmentRow>[] = [
    {
      id: "entitlement",
      accessorFn: (a) => a.entitlement.name,
      header: ({ column }) => <DataTableColumnHeader column={column} title="Entitlement" />,
      cell: ({ row }) => (
        <div className="grid">
          <Link href={`/entitlements/${row.original.entitlement.id}`} className="font-medium hover:underline">
            {row.original.entitlement.name}
          </Link>
          <span className="text-xs text-muted-foreground">{row.original.entitlement.serverName}</span>
        </div>
      ),
    },
    {
      id: "principal",
      accessorFn: (a) => a.principal.label,
      header: ({ column }) => <DataTableColumnHeader column={column} title="Assigned to" />,
      cell: ({ row }) => {
        const a = row.original;
        return (
          <span className="flex items-center gap-2">
            <Badge variant="muted" className="capitalize">
              {a.principalType}
            </Badge>
            {a.principalType === "agent" ? (
              <Link href={`/agents/${a.principal.id}`} className="hover:underline">
                {a.principal.label}
              </Link>
            ) : a.principalType === "user" ? (
              <Link
                href={personHref(a.principal.id)}
                className="hover:underline"
                title={a.principal.detail ?? undefined}
              >
                {a.principal.label}
              </Link>
            ) : (
              <span title={a.principal.detail ?? undefined}>{a.principal.label}</span>
            )}
          </span>
        );
      },
    },
    {
      accessorKey: "expiresAt",
      header: ({ column }) => <DataTableColumnHeader column={column} title="Until" />,
      cell: ({ row }) =>
        row.original.expiresAt ? (
          <DateTime iso={row.original.expiresAt} />
        ) : (
          <span className="text-muted-foreground">No end date</span>
        ),
    },
    {
      accessorKey: "justification",
      header: "Justification",
      cell: ({ row }) => (
        <span className="line-clamp-2 max-w-[18rem] text-muted-foreground" title={row.original.justification}>
          {row.original.justification}
        </span>
      ),
    },
    {
      accessorKey: "createdAt",
      header: ({ column }) => <DataTableColumnHeader column={column} title="Granted" />,
      cell: ({ row }) => (
        <span className="grid">
          <DateTime iso={row.original.createdAt} dateOnly />
          <span className="text-xs text-muted-foreground">{row.original.grantedBy ?? ""}</span>
        </span>
      ),
    },
  ];
  if (canEnd) {
    columns.push({
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      cell: ({ row }) => (
        <EndAssignmentButton
          assignmentId={row.original.id}
          summary={`${row.original.entitlement.name} for ${row.original.principal.label}`}
        />
      ),
    });
  }
  return columns;
}
