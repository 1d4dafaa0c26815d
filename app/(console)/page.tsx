import {
  AlertTriangle,
  Ban,
  Bot,
  CalendarClock,
  ClipboardCheck,
  Gauge,
  Hourglass,
  Radio,
  ScrollText,
  Server,
  ShieldCheck,
  ShieldX,
  UserX,
} from "lucide-react";
import type { Metadata } from "next";
import type { ReactNode } from "react";
import Link from "next/link";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { StatCard } from "@/components/ui/stat-card";
import { permissionForPath } from "@/components/console/page-permissions";
import { RiskBadge } from "@/components/console/risk-badge";
import { EXPIRING_SOON_DAYS } from "@/lib/assignments/list-assignments";
import { can, personOf, type Principal } from "@/lib/auth/principal";
import { coverageMap, TRAFFIC_DAYS } from "@/lib/coverage/coverage-map";
import { getDb } from "@/lib/db/client";
import { getOverviewSummary } from "@/lib/overview/summary";
import { assignmentsExpiringSoon, denialsPerDay, ownerlessAgentCount, revocationsLastDay } from "@/lib/overview/trends";
import { workQueue } from "@/lib/overview/work-queue";
import { requirePermission } from "@/app/_server/principal";

export const metadata: Metadata = { title: "Overview" };
export const dynamic = "force-dynamic";

/** A card links only where its reader may go: no card leads to a 403. */
function linkFor(principal: Principal, href: string): string | undefined {
  const permission = permissionForPath(href.split("?")[0]!);
  return permission && can(principal, permission) ? href : undefined;
}

/**
 * Each role's own work first — the pending-work queue (tools, clients, reviews), a reviewer's pending
 * reviews, on-call's live sessions and denials, an admin's expiring grants and ownerless agents — then the
 * figures every role may read. Each part is loaded only for a role that may act on it.
 */
export default async function OverviewPage() {
  const principal = await requirePermission("overview.view");
  const db = getDb();
  const reviewerId = can(principal, "reviews.decide") ? personOf(principal) : null;
  const admin = can(principal, "assignments.manage");
  const onCall = can(principal, "sessions.view");
  const seesAudit = can(principal, "audit.view");
  const [summary, queue, denials, expiring, ownerless, revoked, coverage] = await Promise.all([
    getOverviewSummary(db),
    workQueue(db, {
      approveTools: can(principal, "tools.approve"),
      manageAgents: can(principal, "agents.manage"),
      reviewerId,
      manageReviews: can(principal, "reviews.manage"),
    }),
    onCall || seesAudit ? denialsPerDay(db, 7) : null,
    admin ? assignmentsExpiringSoon(db, EXPIRING_SOON_DAYS) : null,
    can(principal, "directory.manage") ? ownerlessAgentCount(db) : null,
    onCall ? revocationsLastDay(db) : null,
    can(principal, "coverage.view") ? coverageMap(db) : null,
  ]);
  const { agents } = summary;
  const pendingTotal = queue.tools.total + queue.clients.total + queue.myReviews + queue.unroutedReviews;
  const deniedToday = denials?.at(-1)?.count ?? 0;
  const maxDenials = Math.max(1, ...(denials ?? []).map((d) => d.count));

  return (
    <>
      <PageHeader title="Overview" description="Your work first, then where agent access stands right now." />
      {coverage && coverage.failingDrills.length > 0 ? (
        <div
          role="status"
          data-testid="overview-drill-alert"
          className="flex flex-wrap items-center gap-2 rounded-lg border border-destructive/40 bg-destructive/5 px-4 py-3 text-sm"
        >
          <AlertTriangle className="size-4 text-destructive" aria-hidden />
          <span className="font-medium text-destructive">
            Revocation drill failed on {coverage.failingDrills.map((f) => f.name).join(", ")}.
          </span>
          <Link href="/coverage" className="underline">
            See the coverage map
          </Link>
        </div>
      ) : null}
      {reviewerId || pendingTotal > 0 ? (
        <Card data-testid="work-queue">
          <CardHeader>
            <CardTitle>Pending work ({pendingTotal})</CardTitle>
            <CardDescription>What waits for a decision from you, oldest first.</CardDescription>
          </CardHeader>
          <CardContent className="grid gap-4 md:grid-cols-2">
            {reviewerId ? (
              <QueuePart
                title="My pending reviews"
                count={queue.myReviews}
                testId="queue-my-reviews"
                href={linkFor(principal, "/reviews/inbox")}
                empty="Nothing to review."
              />
            ) : null}
            {can(principal, "reviews.manage") ? (
              <QueuePart
                title="Review items with no reviewer"
                count={queue.unroutedReviews}
                testId="queue-unrouted"
                href={linkFor(principal, "/reviews")}
                empty="Every item has a reviewer."
              />
            ) : null}
            {can(principal, "tools.approve") ? (
              <QueuePart
                title="Tools pending approval"
                count={queue.tools.total}
                testId="queue-tools"
                empty="No tool waits for approval."
              >
                {queue.tools.sample.map((t) => (
                  <li key={t.id} className="flex flex-wrap items-center gap-2">
                    <Link href={`/servers/${t.serverId}`} className="font-mono text-xs hover:underline">
                      {t.name}
                    </Link>
                    <RiskBadge risk={t.risk} />
                    <span className="text-xs text-muted-foreground">
                      on {t.serverName}
                      {t.changed ? " · definition changed" : ""}
                    </span>
                  </li>
                ))}
              </QueuePart>
            ) : null}
            {can(principal, "agents.manage") ? (
              <QueuePart
                title="Clients pending approval"
                count={queue.clients.total}
                testId="queue-clients"
                empty="No client waits for approval."
              >
                {queue.clients.sample.map((c) => (
                  <li key={c.id}>
                    <Link href={`/agents/${c.id}`} className="hover:underline">
                      {c.name}
                    </Link>
                  </li>
                ))}
              </QueuePart>
            ) : null}
          </CardContent>
        </Card>
      ) : null}
      <section aria-label="Key figures" className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
        {reviewerId ? (
          <StatCard
            testId="stat-my-reviews"
            label="My pending reviews"
            value={queue.myReviews}
            icon={ClipboardCheck}
            tone="attention"
            href={linkFor(principal, "/reviews/inbox")}
            hint="Items waiting for your decision"
          />
        ) : null}
        {onCall ? (
          <StatCard
            testId="stat-active-sessions"
            label="Active sessions"
            value={summary.activeSessions}
            icon={Radio}
            href={linkFor(principal, "/sessions")}
            hint="Holding live access now"
          />
        ) : null}
        {onCall && revoked !== null ? (
          <StatCard
            testId="stat-revoked-24h"
            label="Sessions revoked (24h)"
            value={revoked}
            icon={Ban}
            href={linkFor(principal, "/audit?action=session.revoked")}
            hint="By people, reviews and removals of access"
          />
        ) : null}
        {denials ? (
          <StatCard
            testId="stat-denials-today"
            label="Denials today"
            value={deniedToday}
            icon={ShieldX}
            tone="attention"
            href={linkFor(principal, "/audit?decision=deny")}
            hint="Refused tool calls and token requests (UTC day)"
          />
        ) : null}
        {expiring !== null ? (
          <StatCard
            testId="stat-expiring-soon"
            label="Expiring soon"
            value={expiring}
            icon={CalendarClock}
            tone="attention"
            href={linkFor(principal, "/entitlements/assignments?expiring=soon")}
            hint={`Assignments ending within ${EXPIRING_SOON_DAYS} days`}
          />
        ) : null}
        {ownerless !== null ? (
          <StatCard
            testId="stat-ownerless"
            label="Ownerless agents"
            value={ownerless}
            icon={UserX}
            tone="attention"
            href={linkFor(principal, "/directory")}
            hint="Their owner left: reassign or retire them"
          />
        ) : null}
        <StatCard
          testId="stat-agents"
          label="Agents"
          value={agents.total}
          icon={Bot}
          href={linkFor(principal, "/agents")}
          hint={`${agents.active} active · ${agents.suspended} suspended · ${agents.retired} retired`}
        />
        <StatCard
          testId="stat-servers"
          label="MCP servers"
          value={summary.mcpServers}
          icon={Server}
          href={linkFor(principal, "/servers")}
          hint="Registered protected resources"
        />
        {can(principal, "tools.approve") ? (
          <StatCard
            testId="stat-pending-tools"
            label="Tools pending approval"
            value={summary.toolsPendingApproval}
            icon={Hourglass}
            tone="attention"
            href={linkFor(principal, "/servers?pending=1")}
            hint={summary.toolsPendingApproval > 0 ? "Not grantable until approved" : "Nothing waiting"}
          />
        ) : null}
        {seesAudit ? (
          <StatCard
            testId="stat-audit-24h"
            label="Audit events (24h)"
            value={summary.auditEventsLast24h}
            icon={ScrollText}
            href={linkFor(principal, "/audit")}
            hint="Decisions and changes recorded"
          />
        ) : null}
        {can(principal, "scope_review.view") ? (
          <StatCard
            testId="stat-excess-privilege"
            label="Excess privilege"
            value={summary.excessPrivilege.percent}
            suffix="%"
            icon={Gauge}
            tone="attention"
            href={linkFor(principal, "/access/scope-review")}
            hint={`${summary.excessPrivilege.unused} of ${summary.excessPrivilege.grants} agent → tool grants unused in 90 days`}
          />
        ) : null}
        {coverage ? (
          <StatCard
            testId="stat-proven-traffic"
            label="Traffic with proven revocation"
            value={coverage.provenTrafficPercent ?? 0}
            suffix="%"
            icon={ShieldCheck}
            tone="attention"
            href={linkFor(principal, "/coverage")}
            hint={
              coverage.totalTraffic === 0
                ? `No agent traffic in ${TRAFFIC_DAYS} days`
                : `Share of ${coverage.totalTraffic} calls in ${TRAFFIC_DAYS} days where a drill proved revocation within ${coverage.targetMs} ms`
            }
          />
        ) : null}
      </section>
      {denials ? (
        <Card data-testid="denials-trend">
          <CardHeader>
            <CardTitle>Denials, last 7 days</CardTitle>
            <CardDescription>Refused decisions per UTC day.</CardDescription>
          </CardHeader>
          <CardContent>
            <ol className="flex h-28 items-end gap-2" aria-label="Denials per day">
              {denials.map((d) => (
                <li
                  key={d.day}
                  className="flex flex-1 flex-col items-center gap-1 text-xs"
                  aria-label={`${d.day}: ${d.count}`}
                >
                  <span className="tabular-nums">{d.count}</span>
                  <span
                    className="w-full rounded-sm bg-destructive/60"
                    style={{ height: `${Math.round((d.count / maxDenials) * 64)}px` }}
                    aria-hidden
                  />
                  <span className="text-muted-foreground">{d.day.slice(5)}</span>
                </li>
              ))}
            </ol>
          </CardContent>
        </Card>
      ) : null}
    </>
  );
}

function QueuePart({
  title,
  count,
  testId,
  href,
  empty,
  children,
}: {
  title: string;
  count: number;
  testId: string;
  href?: string;
  empty: string;
  children?: ReactNode;
}) {
  return (
    <section aria-label={title} data-testid={testId} className="grid content-start gap-2 rounded-lg border p-3">
      <h3 className="flex items-center justify-between gap-2 text-sm font-medium">
        {href ? (
          <Link href={href} className="hover:underline">
            {title}
          </Link>
        ) : (
          title
        )}
        <span className="tabular-nums text-muted-foreground" data-testid={`${testId}-count`}>
          {count}
        </span>
      </h3>
      {count === 0 ? (
        <p className="text-sm text-muted-foreground">{empty}</p>
      ) : children ? (
        <ul className="grid gap-1 text-sm">{children}</ul>
      ) : null}
    </section>
  );
}
