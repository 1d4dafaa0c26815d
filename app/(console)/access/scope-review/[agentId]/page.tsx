import { ArrowLeft, CheckCircle2 } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { DateTime } from "@/components/console/date-time";
import { RiskBadge } from "@/components/console/risk-badge";
import { can } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { agentScopeReview, type ReviewedAssignment } from "@/lib/reviews/scope-usage";
import { cn } from "@/lib/utils/cn";
import { RemoveUnusedButton, type UnusedGrant } from "./remove-unused-button";
import { requirePermission } from "@/app/_server/principal";

export const metadata: Metadata = { title: "Scope review" };
export const dynamic = "force-dynamic";

export default async function AgentScopeReviewPage({ params }: { params: Promise<{ agentId: string }> }) {
  const principal = await requirePermission("scope_review.view");
  const { agentId } = await params;
  const review = await agentScopeReview(getDb(), agentId);
  if (!review) notFound();
  const mayRemove = can(principal, "assignments.manage");
  // Every assignment old enough to judge with a tool unused for 90 days: right-sized together in one step.
  const removable = review.servers
    .flatMap((s) => s.assignments)
    .filter((a) => !a.tooNewToJudge && a.unusedToolIds.length > 0)
    .map(unusedGrantOf);
  return (
    <>
      <PageHeader
        title={`Scope review: ${review.agent.name}`}
        description={`${review.granted} tools granted · ${review.used30} used in 30 days · ${review.used90} used in 90 days · ${review.excessPercent}% unused for 90 days.`}
        actions={
          <>
            {mayRemove && removable.length > 1 ? (
              <RemoveUnusedButton grants={removable} label={`Remove all unused access (${removable.length})`} />
            ) : null}
            <Button variant="outline" asChild>
              <Link href={`/access?agent=${review.agent.id}`}>Effective access</Link>
            </Button>
            <Button variant="ghost" asChild>
              <Link href="/access/scope-review">
                <ArrowLeft aria-hidden /> All agents
              </Link>
            </Button>
          </>
        }
      />
      {review.servers.length === 0 ? (
        <EmptyState
          icon={CheckCircle2}
          title="Nothing granted"
          description={`${review.agent.name} holds no live assignment that reaches an approved tool.`}
        />
      ) : (
        review.servers.map((server) => (
          <Card key={server.serverId} data-testid="scope-review-server">
            <CardHeader>
              <CardTitle>{server.serverName}</CardTitle>
              <CardDescription>
                {server.granted} granted · {server.used30} used (30d) · {server.used90} used (90d)
              </CardDescription>
            </CardHeader>
            <CardContent className="grid gap-4">
              {server.assignments.map((a) => (
                <AssignmentReview key={a.assignmentId} assignment={a} mayRemove={mayRemove} />
              ))}
            </CardContent>
          </Card>
        ))
      )}
    </>
  );
}

function unusedGrantOf(a: ReviewedAssignment): UnusedGrant {
  const unused = new Set(a.unusedToolIds);
  return {
    assignmentId: a.assignmentId,
    entitlementName: a.entitlementName,
    unusedToolNames: a.tools.filter((t) => unused.has(t.toolId)).map((t) => t.toolName),
    endsAssignment: a.unusedToolIds.length === a.tools.length,
  };
}

function AssignmentReview({ assignment: a, mayRemove }: { assignment: ReviewedAssignment; mayRemove: boolean }) {
  const unused = new Set(a.unusedToolIds);
  return (
    <section
      aria-label={a.entitlementName}
      data-testid="scope-review-assignment"
      className="grid gap-2 rounded-lg border p-4"
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="grid">
          <span className="font-medium">{a.entitlementName}</span>
          <span className="text-xs text-muted-foreground">
            Granted <DateTime iso={a.createdAt.toISOString()} dateOnly />
            {a.expiresAt ? (
              <>
                {" "}
                · until <DateTime iso={a.expiresAt.toISOString()} dateOnly />
              </>
            ) : null}{" "}
            · {a.tools.length - a.unusedToolIds.length} of {a.tools.length} tools used in 90 days
          </span>
        </div>
        {a.unusedToolIds.length === 0 ? (
          <Badge variant="success">All tools used</Badge>
        ) : a.tooNewToJudge ? (
          <Badge variant="neutral" title="Granted less than 90 days ago">
            Too new to judge
          </Badge>
        ) : mayRemove ? (
          <RemoveUnusedButton grants={[unusedGrantOf(a)]} />
        ) : null}
      </div>
      <ul className="flex flex-wrap gap-1.5" aria-label={`Tools of ${a.entitlementName}`}>
        {a.tools.map((t) => (
          <li
            key={t.toolId}
            data-testid={unused.has(t.toolId) ? "tool-unused" : "tool-used"}
            className={cn(
              "inline-flex items-center gap-1.5 rounded-md border px-2 py-1 text-xs",
              unused.has(t.toolId) && "border-dashed bg-muted/50 text-muted-foreground",
            )}
            title={t.lastUsedAt ? `Last called ${t.lastUsedAt.toISOString()}` : "Not called in 90 days"}
          >
            <span className="font-medium">{t.toolName}</span>
            <RiskBadge risk={t.risk} />
            <span className="tabular-nums">
              {unused.has(t.toolId) ? "unused" : `${t.calls90} calls (90d) · ${t.calls30} (30d)`}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
