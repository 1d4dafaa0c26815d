import { ShieldOff } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { DateTime } from "@/components/console/date-time";
import { RiskBadge, type Risk } from "@/components/console/risk-badge";
import type { AccessPathRow, AccessToolRow } from "./access-row";
import { WhatIfPreviewDialog } from "./what-if-preview-dialog";

const RISKS: Risk[] = ["destructive", "write", "read"];
const principalTypeLabel: Record<AccessPathRow["principalType"], string> = {
  agent: "Agent",
  user: "Person",
  group: "Group",
};

export type EffectiveAccessTableProps = {
  rows: AccessToolRow[];
  /** Offer "Simulate removing this assignment" on each path (needs `assignments.manage`). */
  allowSimulation?: boolean;
  /** Shown when nothing is reachable. */
  emptyTitle?: string;
  emptyDescription?: string;
};

/**
 * Every tool a principal reaches, grouped by MCP server, with the assignment
 * paths that lead to it and until when. A server component over plain rows,
 * so any page (the access view, an agent's detail page) can render it.
 */
export function EffectiveAccessTable({
  rows,
  allowSimulation = false,
  emptyTitle = "Nothing reachable",
  emptyDescription = "No live assignment reaches any approved tool.",
}: EffectiveAccessTableProps) {
  if (rows.length === 0) return <EmptyState icon={ShieldOff} title={emptyTitle} description={emptyDescription} />;

  const servers = new Map<string, { name: string; rows: AccessToolRow[] }>();
  for (const r of rows) {
    const s = servers.get(r.serverId) ?? { name: r.serverName, rows: [] };
    s.rows.push(r);
    servers.set(r.serverId, s);
  }
  return (
    <div data-slot="effective-access" className="grid gap-6">
      <RiskCounts rows={rows} serverCount={servers.size} />
      {[...servers.entries()].map(([serverId, server]) => (
        <section key={serverId} aria-label={server.name} data-testid="access-server" className="grid gap-2">
          <h2 className="flex flex-wrap items-center gap-2 text-base font-semibold">
            {server.name}
            <span className="text-sm font-normal text-muted-foreground">
              {server.rows.length} {server.rows.length === 1 ? "tool" : "tools"}
            </span>
          </h2>
          <div className="overflow-hidden rounded-xl border bg-card shadow-xs">
            <Table aria-label={`Tools reachable on ${server.name}`}>
              <TableHeader>
                <TableRow className="hover:bg-transparent">
                  <TableHead>Tool</TableHead>
                  <TableHead>Risk</TableHead>
                  <TableHead>Until</TableHead>
                  <TableHead>Through</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {server.rows.map((r) => (
                  <TableRow key={r.toolId} data-testid="access-tool-row">
                    <TableCell className="align-top">
                      <div className="grid">
                        <span className="font-medium">{r.toolName}</span>
                        <span className="font-mono text-xs text-muted-foreground">{r.scope}</span>
                      </div>
                    </TableCell>
                    <TableCell className="align-top">
                      <RiskBadge risk={r.risk} />
                    </TableCell>
                    <TableCell className="align-top">
                      {r.until ? (
                        <DateTime iso={r.until} dateOnly />
                      ) : (
                        <span className="text-muted-foreground">No end date</span>
                      )}
                    </TableCell>
                    <TableCell className="whitespace-normal align-top">
                      <ul className="grid gap-1">
                        {r.via.map((p) => (
                          <li
                            key={p.assignmentId}
                            className="flex flex-wrap items-center gap-1.5"
                            data-testid="access-path"
                          >
                            <span className="font-medium">{p.entitlementName}</span>
                            <Badge variant="muted">
                              {principalTypeLabel[p.principalType]}: {p.principalLabel}
                            </Badge>
                            {p.expiresAt ? (
                              <span className="text-xs text-muted-foreground">
                                until <DateTime iso={p.expiresAt} dateOnly />
                              </span>
                            ) : null}
                            {allowSimulation ? (
                              <WhatIfPreviewDialog
                                change={{ kind: "end_assignment", assignmentId: p.assignmentId }}
                                label="Simulate removing this assignment"
                                title={`Simulate removing “${p.entitlementName}” from ${p.principalLabel}`}
                                description="Who would lose which tools, and which live sessions would be revoked, if this assignment ended. Nothing is changed."
                              />
                            ) : null}
                          </li>
                        ))}
                      </ul>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        </section>
      ))}
    </div>
  );
}

function RiskCounts({ rows, serverCount }: { rows: AccessToolRow[]; serverCount: number }) {
  const counts: Record<Risk, number> = { read: 0, write: 0, destructive: 0 };
  for (const r of rows) counts[r.risk]++;
  return (
    <div
      data-testid="access-risk-counts"
      className="flex flex-wrap items-center gap-3 rounded-xl border bg-card px-5 py-4 text-sm shadow-xs"
    >
      <span className="font-medium">
        {rows.length} {rows.length === 1 ? "tool" : "tools"} on {serverCount} {serverCount === 1 ? "server" : "servers"}
      </span>
      {RISKS.map((risk) => (
        <span key={risk} className="inline-flex items-center gap-1.5" data-testid={`risk-count-${risk}`}>
          <RiskBadge risk={risk} />
          <span className="tabular-nums">{counts[risk]}</span>
        </span>
      ))}
    </div>
  );
}
