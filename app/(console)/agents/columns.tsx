"use client";

import type { ColumnDef } from "@tanstack/react-table";
import Link from "next/link";
import { StatusBadge, type BadgeVariant } from "@/components/ui/badge";
import { DataTableColumnHeader } from "@/components/ui/data-table";
import { DateTime } from "@/components/console/date-time";
import type { AgentRow } from "./agent-row";

/** OAuth client authentication methods by the names IAM admins know them. */
const authMethodLabel: Record<AgentRow["authMethod"], string> = {
  private_key_jwt: "Private key JWT",
  client_secret_basic: "Client secret (Basic)",
  client_secret_post: "Client secret (POST)",
  none: "Public client (PKCE)",
};

const statusVariant: Record<AgentRow["status"], BadgeVariant> = {
  pending: "warning",
  active: "success",
  suspended: "warning",
  retired: "neutral",
};

export const agentColumns: ColumnDef<AgentRow>[] = [
  {
    accessorKey: "name",
    header: ({ column }) => <DataTableColumnHeader column={column} title="Name" />,
    cell: ({ row }) => (
      <div className="grid">
        <Link href={`/agents/${row.original.id}`} className="font-medium hover:underline">
          {row.original.name}
        </Link>
        <span className="font-mono text-xs text-muted-foreground">{row.original.clientId}</span>
      </div>
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
  {
    id: "owner",
    accessorFn: (agent) => agent.owner?.displayName ?? "",
    header: ({ column }) => <DataTableColumnHeader column={column} title="Owner" />,
    cell: ({ row }) =>
      row.original.owner ? (
        <span title={row.original.owner.email}>{row.original.owner.displayName}</span>
      ) : (
        <span className="text-muted-foreground italic">No owner</span>
      ),
  },
  {
    accessorKey: "authMethod",
    header: ({ column }) => <DataTableColumnHeader column={column} title="Auth method" />,
    cell: ({ row }) => <span className="text-muted-foreground">{authMethodLabel[row.original.authMethod]}</span>,
  },
  {
    accessorKey: "createdAt",
    header: ({ column }) => <DataTableColumnHeader column={column} title="Created" />,
    cell: ({ row }) => <DateTime iso={row.original.createdAt} dateOnly />,
  },
];
