import { AlertTriangle, ShieldCheck } from "lucide-react";
import type { Metadata } from "next";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { StatCard } from "@/components/ui/stat-card";
import { can } from "@/lib/auth/principal";
import { coverageMap, PROOF_MAX_AGE_DAYS, TRAFFIC_DAYS } from "@/lib/coverage/coverage-map";
import { getDb } from "@/lib/db/client";
import { listDrills } from "@/lib/drills/list-drills";
import { requirePermission } from "@/app/_server/principal";
import { CoverageTable, type CoverageTableRow } from "./coverage-table";
import { DrillChart } from "./drill-chart";
import { RunDrillsButton } from "./run-drills";

export const metadata: Metadata = { title: "Coverage" };
export const dynamic = "force-dynamic";

export default async function CoveragePage() {
  const principal = await requirePermission("coverage.view");
  const db = getDb();
  const [map, drills] = await Promise.all([coverageMap(db), listDrills(db, { limit: 100 })]);
  const canRun = can(principal, "drills.run");
  const rows: CoverageTableRow[] = map.rows.map((r) => ({
    key: r.serverId ?? `unmanaged:${r.resourceUri}`,
    serverId: r.serverId,
    name: r.name,
    resourceUri: r.resourceUri,
    path: r.path,
    pathLabel: r.pathLabel,
    receivers: r.receivers.map((x) => ({
      id: x.id,
      name: x.name,
      enabled: x.enabled,
      lastStatus: x.lastStatus,
      lastDeliveredAt: x.lastDeliveredAt?.toISOString() ?? null,
    })),
    revocationTime: r.revocationTime,
    proven: r.proven,
    lastDrill: r.lastDrill
      ? { at: r.lastDrill.at.toISOString(), outcome: r.lastDrill.outcome, reason: r.lastDrill.reason }
      : null,
    agents: r.agents,
    people: r.people,
    traffic: r.traffic,
    trafficBasis: r.trafficBasis,
    missing: r.missing,
  }));
  const managed = map.rows.filter((r) => r.serverId !== null).length;
  return (
    <>
      <PageHeader
        title="Coverage"
        description={`Every MCP server with how a revocation reaches it, measured by revocation drills against a ${map.targetMs} ms target. A drill mints a canary token for the built-in drill agent (no tools), revokes it and times each enforcement point's refusal; no real session is touched.`}
        actions={
          <div className="flex gap-2">
            <a
              href="/api/v1/coverage?format=csv"
              className="inline-flex h-8 items-center rounded-md border px-3 text-sm hover:bg-accent"
              data-testid="coverage-export"
            >
              Export CSV
            </a>
            {canRun && managed > 0 ? (
              <RunDrillsButton serverIds="all" label="Drill all servers" testId="drill-all" variant="default" />
            ) : null}
          </div>
        }
      />
      {map.failingDrills.length > 0 ? (
        <Card className="border-destructive/40" data-testid="drill-alert" role="status">
          <CardHeader>
            <CardTitle className="flex items-center gap-2 text-destructive">
              <AlertTriangle className="size-4" aria-hidden /> Revocation not proven on {map.failingDrills.length}{" "}
              server{map.failingDrills.length === 1 ? "" : "s"}
            </CardTitle>
            <CardDescription>
              The latest drill did not see every enforcement point refuse the revoked canary within the target.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <ul className="grid gap-1 text-sm">
              {map.failingDrills.map((f) => (
                <li key={f.serverId}>
                  <span className="font-medium">{f.name}</span>: {f.reason}
                </li>
              ))}
            </ul>
          </CardContent>
        </Card>
      ) : null}
      <section aria-label="Key figures" className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
        <StatCard
          testId="stat-proven-traffic"
          label="Traffic with proven revocation"
          value={map.provenTrafficPercent ?? 0}
          suffix="%"
          icon={ShieldCheck}
          hint={
            map.totalTraffic === 0
              ? `No agent traffic in ${TRAFFIC_DAYS} days`
              : `Of ${map.totalTraffic} calls in ${TRAFFIC_DAYS} days, on servers whose drill in the last ${PROOF_MAX_AGE_DAYS} days passed`
          }
        />
        <StatCard
          testId="stat-servers-proven"
          label="Servers proven"
          value={map.rows.filter((r) => r.proven).length}
          icon={ShieldCheck}
          hint={`of ${managed} registered`}
        />
        <StatCard
          testId="stat-unmanaged"
          label="Unmanaged servers"
          value={map.rows.length - managed}
          icon={AlertTriangle}
          tone="attention"
          hint="Asked for by agents, not registered"
        />
      </section>
      <CoverageTable rows={rows} canRun={canRun} />
      {drills.length > 0 ? (
        <Card>
          <CardHeader>
            <CardTitle>Drills over time</CardTitle>
            <CardDescription>The last {drills.length} drills, all servers.</CardDescription>
          </CardHeader>
          <CardContent className="grid gap-4">
            <DrillChart drills={drills} targetMs={map.targetMs} />
            <ul className="grid gap-1 text-sm" data-testid="drill-history">
              {drills.slice(0, 10).map((d) => (
                <li key={d.id} className="flex flex-wrap gap-2">
                  <span className="tabular-nums text-muted-foreground">
                    {d.startedAt.toISOString().replace("T", " ").slice(0, 19)}
                  </span>
                  <span className="font-medium">{d.serverName}</span>
                  <span className={d.outcome === "passed" ? "text-success" : "text-destructive"}>{d.outcome}</span>
                  <span className="text-muted-foreground">
                    {d.slowestMs === null ? "no refusal seen" : `${d.slowestMs} ms`} · {d.trigger}
                  </span>
                </li>
              ))}
            </ul>
          </CardContent>
        </Card>
      ) : null}
    </>
  );
}
