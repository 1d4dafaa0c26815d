import type { Metadata } from "next";
import Link from "next/link";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { auditActivity } from "@/lib/audit/charts";
import { parseAuditFilter } from "@/lib/audit/filters";
import { getDb } from "@/lib/db/client";
import type { SearchParamsRecord } from "@/lib/pagination/keyset";
import { AuditNav } from "../audit-nav";
import { ActivityChart } from "./activity-chart";
import { requirePermission } from "@/app/_server/principal";

export const metadata: Metadata = { title: "Audit charts" };
export const dynamic = "force-dynamic";

const RANGES = [
  { key: "24h", label: "24 hours", ms: 86_400_000 },
  { key: "7d", label: "7 days", ms: 7 * 86_400_000 },
  { key: "30d", label: "30 days", ms: 30 * 86_400_000 },
] as const;

export default async function AuditChartsPage({ searchParams }: { searchParams: Promise<SearchParamsRecord> }) {
  await requirePermission("audit.view");
  const params = await searchParams;
  const chosen = RANGES.find((r) => r.key === params.range) ?? RANGES[1];
  const filter = parseAuditFilter(params);
  const to = filter.to ?? new Date();
  const from = filter.from ?? new Date(to.getTime() - chosen.ms);
  const activity = await auditActivity(getDb(), { from, to });
  const denialsHref = (reason?: string) =>
    `/audit?${new URLSearchParams({ decision: "deny", from: from.toISOString(), to: to.toISOString(), ...(reason ? { q: reason } : {}) })}`;
  return (
    <>
      <PageHeader
        title="Audit"
        description="Mints, tool calls and denials over time, and why access was refused. Times are UTC."
      />
      <AuditNav />
      <nav aria-label="Time range" className="flex gap-2 text-sm">
        {RANGES.map((r) => (
          <Link
            key={r.key}
            href={`/audit/charts?range=${r.key}`}
            aria-current={r === chosen && !filter.from ? "page" : undefined}
            className="rounded-md border px-3 py-1 aria-[current=page]:border-primary aria-[current=page]:text-primary"
            data-testid={`audit-range-${r.key}`}
          >
            Last {r.label}
          </Link>
        ))}
      </nav>
      <Card>
        <CardHeader>
          <CardTitle>Activity</CardTitle>
          <CardDescription>
            {from.toISOString().slice(0, 16).replace("T", " ")} → {to.toISOString().slice(0, 16).replace("T", " ")}, per{" "}
            {activity.bucketMs >= 86_400_000
              ? `${activity.bucketMs / 86_400_000} day(s)`
              : `${activity.bucketMs / 3_600_000} hour(s)`}
          </CardDescription>
        </CardHeader>
        <CardContent>
          <ActivityChart buckets={activity.buckets} bucketMs={activity.bucketMs} />
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Top denial reasons</CardTitle>
          <CardDescription>
            <Link href={denialsHref()} className="text-primary hover:underline">
              All denials in this range →
            </Link>
          </CardDescription>
        </CardHeader>
        <CardContent>
          {activity.topDenialReasons.length === 0 ? (
            <p className="text-sm text-muted-foreground">No denials in this range.</p>
          ) : (
            <ol className="grid gap-2" data-testid="audit-denial-reasons">
              {activity.topDenialReasons.map((r) => {
                const share = r.count / activity.topDenialReasons[0]!.count;
                return (
                  <li key={r.reason} className="grid gap-1">
                    <div className="flex justify-between gap-4 text-sm">
                      <Link href={denialsHref(r.reason)} className="truncate hover:underline" title={r.reason}>
                        {r.reason}
                      </Link>
                      <span className="tabular-nums text-muted-foreground">{r.count.toLocaleString("en-US")}</span>
                    </div>
                    <div className="h-1.5 rounded-full bg-muted">
                      <div
                        className="h-full rounded-full bg-destructive/70"
                        style={{ width: `${Math.max(2, share * 100)}%` }}
                      />
                    </div>
                  </li>
                );
              })}
            </ol>
          )}
        </CardContent>
      </Card>
    </>
  );
}
