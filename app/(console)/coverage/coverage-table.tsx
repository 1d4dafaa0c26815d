"use client";

import Link from "next/link";
import { useMemo, useState } from "react";
import { Badge, type BadgeVariant } from "@/components/ui/badge";
import { Input } from "@/components/ui/input";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { RunDrillsButton } from "./run-drills";

/** One map row as the page hands it over (dates as ISO strings). */
export interface CoverageTableRow {
  key: string;
  serverId: string | null;
  name: string;
  resourceUri: string;
  path: string;
  pathLabel: string;
  receivers: {
    id: string;
    name: string;
    enabled: boolean;
    lastStatus: string | null;
    lastDeliveredAt: string | null;
  }[];
  revocationTime: string;
  proven: boolean;
  lastDrill: { at: string; outcome: "passed" | "failed"; reason: string } | null;
  agents: { id: string; name: string }[];
  people: number;
  traffic: number;
  trafficBasis: string;
  missing: string[];
}

const PATH_VARIANT: Record<string, BadgeVariant> = {
  gateway: "success",
  native_caep: "read",
  native_introspection: "read",
  native_jwt_only: "warning",
  unmanaged: "danger",
};

const BASIS: Record<string, string> = {
  tool_calls: "tool calls",
  tokens_minted: "tokens minted",
  token_requests: "token requests refused",
};

export function CoverageTable({ rows, canRun }: { rows: CoverageTableRow[]; canRun: boolean }) {
  const [q, setQ] = useState("");
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const shown = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return needle
      ? rows.filter((r) => `${r.name} ${r.resourceUri} ${r.pathLabel}`.toLowerCase().includes(needle))
      : rows;
  }, [q, rows]);
  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  return (
    <section className="grid min-w-0 grid-cols-[minmax(0,1fr)] gap-3" aria-label="Coverage map">
      <div className="flex flex-wrap items-center gap-2">
        <Input
          type="search"
          placeholder="Search servers"
          aria-label="Search servers"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          className="w-64"
          data-testid="coverage-search"
        />
        <span className="text-sm text-muted-foreground" data-testid="coverage-count">
          {shown.length} of {rows.length} servers
        </span>
        {canRun ? (
          <div className="ml-auto flex gap-2">
            <RunDrillsButton
              serverIds={[...selected]}
              label={`Drill selected (${selected.size})`}
              testId="drill-selected"
            />
          </div>
        ) : null}
      </div>
      <div className="overflow-x-auto rounded-lg border">
        <Table data-testid="coverage-table">
          <TableHeader>
            <TableRow>
              {canRun ? (
                <TableHead className="w-8">
                  <span className="sr-only">Select</span>
                </TableHead>
              ) : null}
              <TableHead>Server</TableHead>
              <TableHead>Enforcement path</TableHead>
              <TableHead>Revocation reaches it</TableHead>
              <TableHead>Who can reach it</TableHead>
              <TableHead className="text-right">Traffic (30 days)</TableHead>
              <TableHead>Missing for full control</TableHead>
              {canRun ? (
                <TableHead>
                  <span className="sr-only">Actions</span>
                </TableHead>
              ) : null}
            </TableRow>
          </TableHeader>
          <TableBody>
            {shown.map((r) => (
              <TableRow key={r.key} data-testid={`coverage-row-${r.name}`}>
                {canRun ? (
                  <TableCell>
                    {r.serverId ? (
                      <input
                        type="checkbox"
                        aria-label={`Select ${r.name}`}
                        checked={selected.has(r.serverId)}
                        onChange={() => toggle(r.serverId!)}
                      />
                    ) : null}
                  </TableCell>
                ) : null}
                <TableCell className="max-w-44">
                  {r.serverId ? (
                    <Link href={`/servers/${r.serverId}`} className="font-medium hover:underline">
                      {r.name}
                    </Link>
                  ) : (
                    <span className="font-medium">{r.name}</span>
                  )}
                  <div className="max-w-44 truncate text-xs text-muted-foreground" title={r.resourceUri}>
                    {r.resourceUri}
                  </div>
                </TableCell>
                <TableCell>
                  <Badge variant={PATH_VARIANT[r.path] ?? "neutral"} data-testid="coverage-path">
                    {r.pathLabel}
                  </Badge>
                  {r.receivers.map((x) => (
                    <div key={x.id} className="mt-1 text-xs text-muted-foreground">
                      {x.name}: {x.enabled ? (x.lastStatus ?? "no deliveries yet") : "disabled"}
                      {x.lastDeliveredAt ? `, last ${x.lastDeliveredAt.replace("T", " ").slice(0, 19)}` : ""}
                    </div>
                  ))}
                </TableCell>
                <TableCell>
                  <div data-testid="coverage-revocation-time">{r.revocationTime}</div>
                  {r.lastDrill ? (
                    <div className="mt-1 flex items-center gap-1 text-xs text-muted-foreground">
                      <Badge
                        variant={r.lastDrill.outcome === "passed" ? "success" : "danger"}
                        data-testid="coverage-drill-outcome"
                      >
                        {r.lastDrill.outcome}
                      </Badge>
                      <span title={r.lastDrill.reason}>{r.lastDrill.at.replace("T", " ").slice(0, 16)}</span>
                    </div>
                  ) : null}
                </TableCell>
                <TableCell className="text-sm">
                  {r.agents.length} agent{r.agents.length === 1 ? "" : "s"} · {r.people}{" "}
                  {r.people === 1 ? "person" : "people"}
                  {r.agents.length > 0 ? (
                    <div
                      className="max-w-48 truncate text-xs text-muted-foreground"
                      title={r.agents.map((a) => a.name).join(", ")}
                    >
                      {r.agents.slice(0, 3).map((a, i) => (
                        <span key={a.id}>
                          {i > 0 ? ", " : ""}
                          <Link href={`/agents/${a.id}`} className="hover:underline">
                            {a.name}
                          </Link>
                        </span>
                      ))}
                      {r.agents.length > 3 ? ` +${r.agents.length - 3}` : ""}
                    </div>
                  ) : null}
                </TableCell>
                <TableCell className="text-right tabular-nums">
                  {r.traffic}
                  <div className="text-xs text-muted-foreground">{BASIS[r.trafficBasis] ?? r.trafficBasis}</div>
                </TableCell>
                <TableCell className="max-w-72 text-xs">
                  {r.missing.length === 0 ? (
                    <span className="text-success">Nothing: revocation proven</span>
                  ) : (
                    <ul className="list-disc pl-4" data-testid="coverage-missing">
                      {r.missing.map((m) => (
                        <li key={m}>{m}</li>
                      ))}
                    </ul>
                  )}
                </TableCell>
                {canRun ? (
                  <TableCell>
                    {r.serverId ? (
                      <RunDrillsButton serverIds={[r.serverId]} label="Drill" testId={`drill-${r.name}`} />
                    ) : null}
                  </TableCell>
                ) : null}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
    </section>
  );
}
