import type { Metadata } from "next";
import Link from "next/link";
import { Activity, CircleAlert, Contact, UsersRound } from "lucide-react";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { StatCard } from "@/components/ui/stat-card";
import { DateTime } from "@/components/console/date-time";
import { can } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { listOwnerlessAgents } from "@/lib/directory/list-ownerless-agents";
import { ownerlessGraceMs } from "@/lib/directory/ownerless-grace";
import { syncStatus } from "@/lib/directory/sync-status";
import { issuerFromEnv } from "@/lib/oauth/defaults";
import { activePeople } from "@/lib/people/active-people";
import { requirePermission } from "@/app/_server/principal";
import { DirectoryNav } from "./directory-nav";
import { OffboardingQueue } from "./offboarding-queue";

export const metadata: Metadata = { title: "Directory" };
export const dynamic = "force-dynamic";

export default async function DirectoryPage() {
  const principal = await requirePermission("people.view");
  const canManage = can(principal, "directory.manage");
  const db = getDb();
  const graceMs = ownerlessGraceMs();
  const [status, queue, people] = await Promise.all([
    syncStatus(db),
    listOwnerlessAgents(db, graceMs),
    canManage ? activePeople(db) : Promise.resolve([]),
  ]);
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return (
    <>
      <PageHeader
        title="Directory"
        description="People and groups as the enterprise IdP provisions them over SCIM, and what happens when someone leaves. Times are UTC."
      />
      <DirectoryNav />
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <StatCard
          label="Active people"
          value={status.people.active}
          icon={Contact}
          href="/directory/people"
          hint={`${status.people.inactive} deactivated · ${status.people.provisionedByScim} via SCIM`}
          testId="directory-active-people"
        />
        <StatCard label="Groups" value={status.groups} icon={UsersRound} href="/directory/groups" />
        <StatCard
          label="Ownerless agents"
          value={queue.length}
          icon={Activity}
          tone="attention"
          hint="Owner left; reassign or they are suspended"
          testId="directory-ownerless-count"
        />
        <StatCard
          label="SCIM errors (24 h)"
          value={status.errorsLastDay}
          icon={CircleAlert}
          tone="attention"
          hint="Requests the endpoint refused"
          testId="directory-scim-errors"
        />
      </div>

      <Card data-testid="sync-status">
        <CardHeader>
          <CardTitle>Sync status</CardTitle>
          <CardDescription>
            The IdP provisions to <code className="font-mono text-xs">{issuerFromEnv()}/scim/v2</code> with a SCIM
            token. Where no IdP provisions, people are created at their first SSO sign-in.
          </CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4 text-sm">
          <dl className="grid gap-2 sm:grid-cols-[12rem_1fr]">
            <dt className="text-muted-foreground">Last directory change</dt>
            <dd data-testid="sync-last-event">
              {status.lastEvent ? (
                <>
                  <span className="font-mono text-xs">{status.lastEvent.action}</span>{" "}
                  {status.lastEvent.targetLabel ?? ""} by {status.lastEvent.actorLabel ?? "—"} ·{" "}
                  <DateTime iso={status.lastEvent.occurredAt.toISOString()} />
                </>
              ) : (
                <span className="text-muted-foreground">None yet</span>
              )}
            </dd>
            <dt className="text-muted-foreground">Last SCIM request</dt>
            <dd>
              {status.lastScimRequestAt ? (
                <DateTime iso={status.lastScimRequestAt.toISOString()} />
              ) : (
                <span className="text-muted-foreground">Never</span>
              )}
            </dd>
            <dt className="text-muted-foreground">Active SCIM tokens</dt>
            <dd>
              {status.activeTokens}
              {can(principal, "settings.view") ? (
                <>
                  {" · "}
                  <Link
                    href="/settings/scim-tokens"
                    className="underline underline-offset-4"
                    data-testid="manage-scim-tokens"
                  >
                    Manage in Settings
                  </Link>
                </>
              ) : null}
            </dd>
          </dl>
          {status.recentErrors.length > 0 ? (
            <div className="grid gap-1">
              <h3 className="font-medium">Recent refusals</h3>
              <ul className="grid gap-1" data-testid="sync-errors">
                {status.recentErrors.map((e) => (
                  <li key={e.id} className="flex flex-wrap gap-x-2 text-xs">
                    <DateTime iso={e.occurredAt.toISOString()} />
                    <span className="font-mono">{e.targetLabel}</span>
                    <span className="text-destructive">{e.reason}</span>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </CardContent>
      </Card>

      <OffboardingQueue
        canManage={canManage}
        graceDays={Math.round(graceMs / 86_400_000)}
        people={people}
        rows={queue.map((a) => ({
          ...a,
          ownerlessSince: a.ownerlessSince.toISOString(),
          suspendsAt: iso(a.suspendsAt),
        }))}
      />
    </>
  );
}
