"use client";

import type { ColumnDef } from "@tanstack/react-table";
import { Contact, UserCheck, UserX } from "lucide-react";
import Link from "next/link";
import { useMemo } from "react";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { DataTable, DataTableColumnHeader, type ServerPagination } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { ReasonDialog } from "@/components/ui/reason-dialog";
import { toast } from "@/components/ui/toast";
import { DateTime } from "@/components/console/date-time";
import { personHref } from "@/lib/people/person-option";
import { deactivatePersonAction, reactivatePersonAction } from "../actions";

export interface PersonRow {
  id: string;
  displayName: string;
  email: string;
  active: boolean;
  source: string;
  department: string | null;
  manager: string | null;
  groups: number;
  ownedAgents: number;
  deactivatedAt: string | null;
  updatedAt: string;
}

function PersonActions({ person, selfId }: { person: PersonRow; selfId: string }) {
  if (person.id === selfId) return null;
  if (!person.active) {
    return (
      <ConfirmDialog
        title={`Reactivate ${person.displayName}?`}
        description="They can sign in and their agents act for them again. Ended sessions and direct assignments stay ended."
        confirmLabel="Reactivate"
        onConfirm={async () => {
          const result = await reactivatePersonAction({ userId: person.id });
          if (!result.ok) {
            toast.error(result.error.message);
            throw new Error(result.error.code);
          }
          toast.success(`${person.displayName} reactivated`);
        }}
        trigger={
          <Button variant="ghost" size="sm" data-testid="reactivate-person">
            <UserCheck aria-hidden />
            Reactivate
          </Button>
        }
      />
    );
  }
  return (
    <ReasonDialog
      title={`Deactivate ${person.displayName}?`}
      description="Their console and agent sessions are revoked at once, their direct assignments end, and the agents they own go to the offboarding queue."
      confirmLabel="Deactivate"
      onConfirm={async (reason) => {
        const result = await deactivatePersonAction({ userId: person.id, reason });
        if (!result.ok) return result.error.message;
        toast.success(
          `${person.displayName} deactivated: ${result.data.revokedSessions} session(s) revoked, ${result.data.ownerlessAgents} agent(s) to reassign`,
        );
        return null;
      }}
      trigger={
        <Button
          variant="ghost"
          size="sm"
          className="text-destructive hover:text-destructive"
          data-testid="deactivate-person"
        >
          <UserX aria-hidden />
          Deactivate
        </Button>
      }
    />
  );
}

/** The directory's people, one keyset page at a time (tens of thousands in a large enterprise). */
export function PeopleTable({
  rows,
  pagination,
  query,
  canManage,
  selfId,
}: {
  rows: PersonRow[];
  pagination: ServerPagination;
  query: string;
  canManage: boolean;
  selfId: string;
}) {
  const columns = useMemo<ColumnDef<PersonRow>[]>(() => {
    const cols: ColumnDef<PersonRow>[] = [
      {
        accessorKey: "displayName",
        header: ({ column }) => <DataTableColumnHeader column={column} title="Person" />,
        cell: ({ row }) => (
          <div className="grid gap-0.5">
            <Link href={personHref(row.original.id)} className="font-medium hover:underline">
              {row.original.displayName}
            </Link>
            <span className="text-xs text-muted-foreground">{row.original.email}</span>
          </div>
        ),
      },
      {
        id: "status",
        accessorFn: (p) => (p.active ? "active" : "deactivated"),
        header: ({ column }) => <DataTableColumnHeader column={column} title="Status" />,
        cell: ({ row }) => (
          <StatusBadge variant={row.original.active ? "success" : "neutral"}>
            {row.original.active ? "active" : "deactivated"}
          </StatusBadge>
        ),
      },
      {
        accessorKey: "source",
        header: ({ column }) => <DataTableColumnHeader column={column} title="Source" />,
        cell: ({ row }) => (
          <Badge variant="muted">
            {row.original.source === "scim"
              ? "SCIM"
              : row.original.source === "sso"
                ? "SSO (JIT)"
                : row.original.source}
          </Badge>
        ),
      },
      {
        id: "department",
        accessorFn: (p) => p.department ?? "",
        header: ({ column }) => <DataTableColumnHeader column={column} title="Department · manager" />,
        cell: ({ row }) => (
          <div className="grid gap-0.5 text-sm">
            <span>{row.original.department ?? "—"}</span>
            <span className="text-xs text-muted-foreground">{row.original.manager ?? ""}</span>
          </div>
        ),
      },
      {
        accessorKey: "groups",
        header: ({ column }) => <DataTableColumnHeader column={column} title="Groups" />,
        cell: ({ row }) => <span className="tabular-nums">{row.original.groups}</span>,
      },
      {
        accessorKey: "ownedAgents",
        header: ({ column }) => <DataTableColumnHeader column={column} title="Agents owned" />,
        cell: ({ row }) => <span className="tabular-nums">{row.original.ownedAgents}</span>,
      },
      {
        accessorKey: "updatedAt",
        header: ({ column }) => <DataTableColumnHeader column={column} title="Changed" />,
        cell: ({ row }) => <DateTime iso={row.original.updatedAt} stacked />,
      },
    ];
    if (canManage)
      cols.push({
        id: "actions",
        enableSorting: false,
        header: () => <span className="sr-only">Actions</span>,
        cell: ({ row }) => <PersonActions person={row.original} selfId={selfId} />,
      });
    return cols;
  }, [canManage, selfId]);
  return (
    <DataTable
      label="People"
      columns={columns}
      data={rows}
      getRowId={(p) => p.id}
      pagination={pagination}
      searchQuery={query}
      searchPlaceholder="Search by name, email or department…"
      emptyState={
        <EmptyState
          icon={Contact}
          title="Nobody in the directory"
          description="People appear when the IdP provisions them over SCIM, or at their first SSO sign-in."
        />
      }
    />
  );
}
