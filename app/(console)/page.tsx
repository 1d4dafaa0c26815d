import { AlertTriangle, Bot, Gauge, Hourglass, Radio, ScrollText, Server, ShieldCheck } from "lucide-react";
import Link from "next/link";
import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { StatCard } from "@/components/ui/stat-card";
import { can } from "@/lib/auth/principal";
import { coverageMap, TRAFFIC_DAYS } from "@/lib/coverage/coverage-map";
import { getDb } from "@/lib/db/client";
import { getOverviewSummary } from "@/lib/overview/summary";
import { requirePermission } from "@/app/_server/principal";

export const metadata: Metadata = { title: "Overview" };
export const dynamic = "force-dynamic";

export default async function OverviewPage() {
  const principal = await requirePermission("overview.view");
  const [summary, coverage] = await Promise.all([
    getOverviewSummary(getDb()),
    can(principal, "coverage.view") ? coverageMap(getDb()) : Promise.resolve(null),
  ]);
  const { agents } = summary;
  return (
    <>
      <PageHeader title="Overview" description="Where agent access stands right now." />
      {coverage && coverage.failingDrills.length > 0 ? (
        <div role="status" data-testid="overview-drill-alert" className="flex flex-wrap items-center gap-2 rounded-lg border border-destructive/40 bg-destructive/5 px-4 py-3 text-sm">
          <AlertTriangle className="size-4 text-destructive" aria-hidden />
          <span className="font-medium text-destructive">Revocation drill failed on {coverage.failingDrills.map((f) => f.name).join(", ")}.</span>
          <Link href="/coverage" className="underline">See the coverage map</Link>
        </div>
      ) : null}
      <section aria-label="Key figures" className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
        <StatCard
          testId="stat-agents"
          label="Agents"
          value={agents.total}
          icon={Bot}
          href="/agents"
          hint={`${agents.active} active · ${agents.suspended} suspended · ${agents.retired} retired`}
        />
        <StatCard
          testId="stat-servers"
          label="MCP servers"
          value={summary.mcpServers}
          icon={Server}
          href="/servers"
          hint="Registered protected resources"
        />
        <StatCard
          testId="stat-pending-tools"
          label="Tools pending approval"
          value={summary.toolsPendingApproval}
          icon={Hourglass}
          tone="attention"
          href="/servers"
          hint={summary.toolsPendingApproval > 0 ? "Not grantable until approved" : "Nothing waiting"}
        />
        <StatCard
          testId="stat-active-sessions"
          label="Active sessions"
          value={summary.activeSessions}
          icon={Radio}
          href="/sessions"
          hint="Holding live access now"
        />
        <StatCard
          testId="stat-audit-24h"
          label="Audit events (24h)"
          value={summary.auditEventsLast24h}
          icon={ScrollText}
          href="/audit"
          hint="Decisions and changes recorded"
        />
        <StatCard
          testId="stat-excess-privilege"
          label="Excess privilege"
          value={summary.excessPrivilege.percent}
          suffix="%"
          icon={Gauge}
          tone="attention"
          href={can(principal, "scope_review.view") ? "/access/scope-review" : undefined}
          hint={`${summary.excessPrivilege.unused} of ${summary.excessPrivilege.grants} agent → tool grants unused in 90 days`}
        />
        {coverage ? (
          <StatCard
            testId="stat-proven-traffic"
            label="Traffic with proven revocation"
            value={coverage.provenTrafficPercent ?? 0}
            suffix="%"
            icon={ShieldCheck}
            tone="attention"
            href="/coverage"
            hint={coverage.totalTraffic === 0 ? `No agent traffic in ${TRAFFIC_DAYS} days` : `Share of ${coverage.totalTraffic} calls in ${TRAFFIC_DAYS} days where a drill proved revocation within ${coverage.targetMs} ms`}
          />
        ) : null}
      </section>
    </>
  );
}
