"use client";

import type { ColumnDef } from "@tanstack/react-table";
import { Badge } from "@/components/ui/badge";
import { DataTableColumnHeader } from "@/components/ui/data-table";
import type { ConsolePerson } from "@/lib/people/list-people";
import { GrantRoleForm, RoleBadge, SignOutEverywhereButton } from "./role-controls";

export interface PeopleColumnOptions {
  /** Show the grant / remove / sign-out controls (the server actions check again). */
  canManage: boolean;
  /** The signed-in person: nobody grants themselves a role. */
  selfId: string;
}

export function peopleColumns({ canManage, selfId }: PeopleColumnOptions): ColumnDef<ConsolePerson>[] {
  const columns: ColumnDef<ConsolePerson>[] = [
    {
      id: "person",
      accessorFn: (p) => `${p.displayName} ${p.email}`,
      sortingFn: (a, b) => a.original.displayName.localeCompare(b.original.displayName),
      header: ({ column }) => <DataTableColumnHeader column={column} title="Person" />,
      cell: ({ row }) => (
        <div className="grid gap-0.5">
          <span className="flex items-center gap-2 font-medium">
            {row.original.displayName}
            {row.original.id === selfId ? <Badge variant="muted">You</Badge> : null}
            {!row.original.active ? <Badge variant="danger">Deactivated</Badge> : null}
          </span>
          <span className="text-xs text-muted-foreground">{row.original.email}</span>
        </div>
      ),
    },
    {
      id: "roles",
      accessorFn: (p) => p.roles.join(" "),
      enableSorting: false,
      header: ({ column }) => <DataTableColumnHeader column={column} title="Roles" />,
      cell: ({ row }) => (
        <div className="flex flex-wrap gap-1" data-testid="person-roles">
          {row.original.roles.length === 0 ? (
            <span className="text-xs text-muted-foreground">No console role</span>
          ) : null}
          {row.original.roles.map((role) => (
            <RoleBadge
              key={role}
              person={row.original}
              role={role}
              canManage={canManage}
              isSelf={row.original.id === selfId}
            />
          ))}
        </div>
      ),
    },
    {
      accessorKey: "openSessions",
      header: ({ column }) => <DataTableColumnHeader column={column} title="Open sessions" />,
      cell: ({ row }) => <span className="tabular-nums text-muted-foreground">{row.original.openSessions}</span>,
    },
  ];
  if (!canManage) return columns;
  return [
    ...columns,
    {
      id: "grant",
      enableSorting: false,
      header: () => <span>Grant a role</span>,
      cell: ({ row }) => <GrantRoleForm person={row.original} isSelf={row.original.id === selfId} />,
    },
    {
      id: "actions",
      enableSorting: false,
      header: () => <span className="sr-only">Actions</span>,
      cell: ({ row }) => (row.original.id === selfId ? null : <SignOutEverywhereButton person={row.original} />),
    },
  ];
}
