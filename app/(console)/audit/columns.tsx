"use client";

import type { ColumnDef } from "@tanstack/react-table";
import Link from "next/link";
import { StatusBadge, type BadgeVariant } from "@/components/ui/badge";
import { DataTableColumnHeader } from "@/components/ui/data-table";
import { DateTime } from "@/components/console/date-time";
import type { AuditEventRow } from "./audit-event-row";

const decisionVariant: Record<AuditEventRow["decision"], BadgeVariant> = {
  allow: "success",
  deny: "danger",
  info: "neutral",
};

/** The trail filter naming a party of this type by its id: everything about that agent, person or server. */
const SUBJECT_PARAM: Record<string, string> = {
  agent: "agent",
  user: "person",
  mcp_server: "server",
  server: "server",
};

function Party({ label, id, type }: { label: string | null; id: string | null; type: string | null }) {
  if (!label && !id) return <span className="text-muted-foreground">—</span>;
  const param = type ? SUBJECT_PARAM[type] : undefined;
  return (
    // Who and what are the point of an audit row: shown whole (wrapping), never cut.
    <div className="grid min-w-[11rem]">
      {param && id ? (
        <Link
          href={`/audit?${param}=${encodeURIComponent(id)}`}
          className="hover:underline"
          title={`Every event about ${label ?? id}`}
          data-testid="audit-subject-link"
        >
          <span data-testid="audit-party">{label ?? id}</span>
        </Link>
      ) : (
        <span data-testid="audit-party">{label ?? id}</span>
      )}
      {type ? <span className="text-xs text-muted-foreground">{type}</span> : null}
    </div>
  );
}

export const auditColumns: ColumnDef<AuditEventRow>[] = [
  {
    accessorKey: "occurredAt",
    header: ({ column }) => <DataTableColumnHeader column={column} title="Time" />,
    cell: ({ row }) => (
      <Link href={`/audit/events/${row.original.id}`} className="hover:underline" data-testid="audit-event-link">
        <DateTime iso={row.original.occurredAt} />
      </Link>
    ),
  },
  {
    id: "actor",
    accessorFn: (event) => event.actorLabel ?? event.actorId ?? "",
    header: ({ column }) => <DataTableColumnHeader column={column} title="Actor" />,
    cell: ({ row }) => (
      <Party label={row.original.actorLabel} id={row.original.actorId} type={row.original.actorType} />
    ),
  },
  {
    accessorKey: "action",
    header: ({ column }) => <DataTableColumnHeader column={column} title="Action" />,
    cell: ({ row }) => <span className="font-mono text-xs">{row.original.action}</span>,
  },
  {
    id: "target",
    accessorFn: (event) => event.targetLabel ?? event.targetId ?? "",
    header: ({ column }) => <DataTableColumnHeader column={column} title="Target" />,
    cell: ({ row }) => (
      <Party label={row.original.targetLabel} id={row.original.targetId} type={row.original.targetType} />
    ),
  },
  {
    accessorKey: "decision",
    header: ({ column }) => <DataTableColumnHeader column={column} title="Decision" />,
    cell: ({ row }) => {
      const standing = row.original.agentStanding;
      return (
        <div className="flex flex-wrap items-center gap-1">
          <StatusBadge variant={decisionVariant[row.original.decision]}>{row.original.decision}</StatusBadge>
          {standing ? (
            <span
              data-testid="agent-standing-flag"
              title={`The agent is ${standing.status}${standing.after ? "; this call came after that" : ""}`}
            >
              <StatusBadge variant={standing.after ? "danger" : "neutral"}>
                {standing.after
                  ? `after ${standing.status === "retired" ? "retirement" : "suspension"}`
                  : `agent ${standing.status}`}
              </StatusBadge>
            </span>
          ) : null}
        </div>
      );
    },
  },
  {
    accessorKey: "reason",
    enableSorting: false,
    header: ({ column }) => <DataTableColumnHeader column={column} title="Reason" />,
    cell: ({ row }) =>
      row.original.reason ? (
        <span className="line-clamp-2 max-w-[16rem] text-muted-foreground" title={row.original.reason}>
          {row.original.reason}
        </span>
      ) : (
        <span className="text-muted-foreground">—</span>
      ),
  },

  {
    id: "session",
    enableSorting: false,
    header: "Session",
    cell: ({ row }) =>
      row.original.sessionId ? (
        <Link
          href={`/audit/sessions/${row.original.sessionId}`}
          className="font-mono text-xs text-primary hover:underline"
          title="Trace this session"
          data-testid="audit-trace-link"
        >
          {row.original.sessionId.slice(-8)}
        </Link>
      ) : (
        <span className="text-muted-foreground">—</span>
      ),
  },
];
