"use client";

import type { ColumnDef } from "@tanstack/react-table";
import Link from "next/link";
import { Badge, StatusBadge, type BadgeVariant } from "@/components/ui/badge";
import { DataTableColumnHeader } from "@/components/ui/data-table";
import { DateTime } from "@/components/console/date-time";
import { RiskBadge } from "@/components/console/risk-badge";
import type { SessionRow } from "./session-row";
import { RevokeSessionButton } from "./revoke-session-button";

const statusVariant: Record<SessionRow["status"], BadgeVariant> = {
  active: "success",
  revoked: "danger",
  expired: "neutral",
};

/** Enough scopes to recognise the session at a glance; the rest are counted and listed in the tooltip. */
const VISIBLE_SCOPES = 1;

export interface SelectionState {
  selected: ReadonlySet<string>;
  toggle(id: string, on: boolean): void;
  toggleAll(on: boolean): void;
  allSelected: boolean;
}

/** `canRevoke`: the viewer holds sessions.revoke (the action checks it again). */
export function sessionColumns(canRevoke: boolean, selection: SelectionState | null): ColumnDef<SessionRow>[] {
  const columns: ColumnDef<SessionRow>[] = [];
  if (canRevoke && selection) {
    columns.push({
      id: "select",
      enableSorting: false,
      header: () => (
        <input
          type="checkbox"
          aria-label="Select all live sessions on this page"
          checked={selection.allSelected}
          onChange={(e) => selection.toggleAll(e.target.checked)}
        />
      ),
      cell: ({ row }) =>
        row.original.status === "active" ? (
          <input
            type="checkbox"
            data-testid={`select-${row.original.id}`}
            aria-label={`Select session ${row.original.agent.name} → ${row.original.server.name}`}
            checked={selection.selected.has(row.original.id)}
            onChange={(e) => selection.toggle(row.original.id, e.target.checked)}
          />
        ) : null,
    });
  }
  // What on-call needs first: whose session, where, whether it is live, and
  // the Revoke button — then scopes and timing, condensed two to a cell so the
  // table fits a 1,280 px window without a sideways scroll.
  columns.push(
    {
      id: "agent",
      accessorFn: (session) => session.agent.name,
      header: ({ column }) => <DataTableColumnHeader column={column} title="Agent → server" />,
      cell: ({ row }) => (
        <div className="grid gap-0.5">
          <Link
            href={`/sessions/${row.original.id}`}
            className="font-medium hover:underline"
            data-testid={`session-link-${row.original.id}`}
          >
            {row.original.agent.name}
            {row.original.agent.kind === "interactive" ? (
              <span className="block text-xs font-normal text-muted-foreground">interactive client</span>
            ) : null}
          </Link>
          <span className="text-xs text-muted-foreground">→ {row.original.server.name}</span>
        </div>
      ),
    },
    {
      id: "user",
      accessorFn: (session) => session.user?.displayName ?? "",
      header: ({ column }) => <DataTableColumnHeader column={column} title="On behalf of" />,
      cell: ({ row }) =>
        row.original.user ? (
          <span title={row.original.user.email}>{row.original.user.displayName}</span>
        ) : (
          <span className="text-muted-foreground">Autonomous</span>
        ),
    },
    {
      accessorKey: "status",
      header: ({ column }) => <DataTableColumnHeader column={column} title="Status" />,
      cell: ({ row }) => (
        <div className="grid gap-1">
          <StatusBadge variant={statusVariant[row.original.status]}>{row.original.status}</StatusBadge>
          <span className="whitespace-nowrap text-xs tabular-nums text-muted-foreground">
            <span title="Tokens">{row.original.tokenCount} tokens</span> ·{" "}
            <span title="Tool calls">{row.original.toolCallCount} calls</span>
          </span>
        </div>
      ),
    },
  );
  if (canRevoke) {
    columns.push({
      id: "actions",
      enableSorting: false,
      header: () => <span className="sr-only">Actions</span>,
      cell: ({ row }) =>
        row.original.status === "active" ? (
          <RevokeSessionButton
            sessionId={row.original.id}
            label={`${row.original.agent.name} → ${row.original.server.name}`}
          />
        ) : null,
    });
  }
  columns.push(
    {
      id: "scopes",
      accessorFn: (session) => session.scopes.join(" "),
      enableSorting: false,
      header: ({ column }) => <DataTableColumnHeader column={column} title="Scopes" />,
      cell: ({ row }) => {
        const { scopes, risk } = row.original;
        const hidden = scopes.length - VISIBLE_SCOPES;
        return (
          <div className="flex flex-wrap items-center gap-1" title={scopes.join("\n")}>
            <RiskBadge risk={risk} />
            {scopes.slice(0, VISIBLE_SCOPES).map((scope) => (
              <Badge key={scope} variant="outline" className="font-mono font-normal">
                {scope}
              </Badge>
            ))}
            {hidden > 0 ? <Badge variant="muted">+{hidden}</Badge> : null}
          </div>
        );
      },
    },
    {
      accessorKey: "lastUsedAt",
      header: ({ column }) => <DataTableColumnHeader column={column} title="Last used" />,
      cell: ({ row }) => (
        <div className="grid gap-0.5 text-xs" title={`Started ${row.original.createdAt}`}>
          <DateTime iso={row.original.lastUsedAt} stacked />
        </div>
      ),
    },
    {
      accessorKey: "expiresAt",
      header: ({ column }) => <DataTableColumnHeader column={column} title="Expires" />,
      cell: ({ row }) => (
        <div className="grid gap-0.5 text-xs">
          <DateTime iso={row.original.expiresAt} stacked />
          {row.original.reauthDueAt ? (
            <span className="text-muted-foreground">
              re-auth <DateTime iso={row.original.reauthDueAt} stacked />
            </span>
          ) : null}
        </div>
      ),
    },
  );
  return columns;
}
