import { CheckCircle2, Download, Printer, ShieldAlert, Users } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { StatCard } from "@/components/ui/stat-card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { DateTime } from "@/components/console/date-time";
import { RiskBadge } from "@/components/console/risk-badge";
import { can } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { campaignProgress } from "@/lib/reviews/campaign-progress";
import { REVIEWER_POLICY_LABELS, type ReviewerPolicy } from "@/lib/reviews/campaign-schemas";
import { eligibleReviewers } from "@/lib/reviews/eligible-reviewers";
import { personOptions } from "@/lib/people/person-option";
import { parseSnapshot } from "@/lib/reviews/item-snapshot";
import { requirePermission } from "@/app/_server/principal";
import { ReassignDialog } from "../reassign-dialog";
import { CampaignStatusBadge, DecisionBadge, RemediationBadge } from "../status-badge";
import { AutoRefresh } from "./auto-refresh";
import { CampaignActions } from "./campaign-actions";

export const metadata: Metadata = { title: "Review campaign" };
export const dynamic = "force-dynamic";

const ITEMS_SHOWN = 200;

export default async function CampaignPage({ params }: { params: Promise<{ id: string }> }) {
  const principal = await requirePermission("reviews.view");
  const { id } = await params;
  const db = getDb();
  const campaign = await db.reviewCampaign.findUnique({
    where: { id },
    include: { createdBy: { select: { email: true } } },
  });
  if (!campaign) notFound();
  const manage = can(principal, "reviews.manage");
  const [progress, items, reviewers] = await Promise.all([
    campaignProgress(db, id),
    db.reviewItem.findMany({
      where: { campaignId: id },
      orderBy: [{ status: "asc" }, { id: "asc" }],
      take: ITEMS_SHOWN,
      include: { reviewer: { select: { email: true, displayName: true } } },
    }),
    manage ? eligibleReviewers(db) : [],
  ]);
  const reviewerOptions = personOptions(reviewers);
  const unassigned = items.filter((i) => !i.reviewerId && i.status === "pending").map((i) => i.id);
  return (
    <>
      <PageHeader
        title={campaign.name}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <CampaignStatusBadge status={campaign.status} />
            <span>
              {REVIEWER_POLICY_LABELS[campaign.reviewerPolicy as ReviewerPolicy] ?? campaign.reviewerPolicy} · due{" "}
              <DateTime iso={campaign.dueAt.toISOString()} dateOnly /> · unreviewed items{" "}
              {campaign.unreviewedPolicy === "remove" ? "removed" : "kept"} at close
              {campaign.recurrenceDays ? ` · repeats every ${campaign.recurrenceDays} days` : ""}
            </span>
          </span>
        }
        actions={
          <>
            {campaign.status !== "draft" ? (
              <>
                <Button variant="outline" asChild>
                  <Link href={`/reviews/${id}/report`} data-testid="open-report">
                    <Printer aria-hidden /> Report
                  </Link>
                </Button>
                <Button variant="outline" asChild>
                  <a href={`/api/v1/reviews/campaigns/${id}/report`} download data-testid="download-csv">
                    <Download aria-hidden /> CSV
                  </a>
                </Button>
              </>
            ) : null}
            {manage ? (
              <CampaignActions
                campaignId={id}
                status={campaign.status}
                unreviewedPolicy={campaign.unreviewedPolicy}
                failed={progress.remediation.failed}
              />
            ) : null}
          </>
        }
      />
      {campaign.description ? <p className="text-sm text-muted-foreground">{campaign.description}</p> : null}
      {campaign.status === "launching" ? (
        <p role="status" data-testid="launch-progress" className="rounded-md border bg-muted px-3 py-2 text-sm">
          <AutoRefresh />
          Launching: {campaign.launchedCount} of {campaign.itemCount} items copied. If it was interrupted, launch again:
          it starts over.
        </p>
      ) : null}
      {campaign.status === "draft" ? (
        <p className="text-sm text-muted-foreground" data-testid="draft-note">
          Draft: nothing has been copied yet. Launching takes the snapshot of the assignments in scope.
        </p>
      ) : (
        <>
          <section aria-label="Progress" className="grid gap-4 sm:grid-cols-4" data-testid="campaign-progress">
            <StatCard
              testId="stat-decided"
              label="Decided"
              value={progress.percent}
              suffix="%"
              icon={CheckCircle2}
              hint={`${progress.total - progress.pending} of ${progress.total} items`}
            />
            <StatCard
              testId="stat-revoked"
              label="Revoked / reduced"
              value={progress.revoked + progress.reduced}
              icon={ShieldAlert}
              hint={`${progress.certified} certified`}
            />
            <StatCard
              testId="stat-remediated"
              label="Remediated"
              value={progress.remediation.done}
              icon={CheckCircle2}
              hint={`${progress.remediation.pending} pending · ${progress.remediation.failed} failed`}
              tone={progress.remediation.failed ? "attention" : "default"}
            />
            <StatCard
              testId="stat-flagged"
              label="Rubber-stamp flags"
              value={progress.flagged}
              icon={Users}
              hint="High-risk items certified in a rush"
              tone={progress.flagged ? "attention" : "default"}
            />
          </section>
          <Card>
            <CardHeader>
              <CardTitle>Per reviewer</CardTitle>
            </CardHeader>
            <CardContent>
              <Table data-testid="reviewer-progress">
                <TableHeader>
                  <TableRow>
                    <TableHead>Reviewer</TableHead>
                    <TableHead className="text-right">Pending</TableHead>
                    <TableHead className="text-right">Decided</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {progress.reviewers.map((r) => (
                    <TableRow key={r.reviewerId ?? "none"}>
                      <TableCell>{r.label}</TableCell>
                      <TableCell className="text-right tabular-nums">{r.pending}</TableCell>
                      <TableCell className="text-right tabular-nums">{r.decided}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>Items</CardTitle>
              <CardDescription>
                {progress.total > ITEMS_SHOWN
                  ? `The first ${ITEMS_SHOWN} of ${progress.total}; the report lists all.`
                  : `${progress.total} items.`}
                {manage && unassigned.length > 0 && campaign.status === "active" ? (
                  <>
                    {" "}
                    <ReassignDialog
                      asAdmin
                      itemIds={unassigned}
                      reviewers={reviewerOptions}
                      trigger={
                        <Button size="sm" variant="outline" data-testid="assign-unassigned">
                          Assign {unassigned.length} unassigned
                        </Button>
                      }
                    />
                  </>
                ) : null}
              </CardDescription>
            </CardHeader>
            <CardContent>
              <Table data-testid="campaign-items">
                <TableHeader>
                  <TableRow>
                    <TableHead>Holder</TableHead>
                    <TableHead>Entitlement</TableHead>
                    <TableHead>Risk</TableHead>
                    <TableHead>Reviewer</TableHead>
                    <TableHead>Decision</TableHead>
                    <TableHead>Remediation</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {items.map((i) => {
                    const s = parseSnapshot(i.snapshot);
                    return (
                      <TableRow key={i.id} data-testid="campaign-item">
                        <TableCell>
                          {s.principalLabel} <span className="text-xs text-muted-foreground">({s.principalType})</span>
                        </TableCell>
                        <TableCell>{s.entitlementName}</TableCell>
                        <TableCell>
                          <RiskBadge risk={i.risk} />
                        </TableCell>
                        <TableCell>
                          {i.reviewer ? (
                            <span title={i.reviewer.email}>{i.reviewer.displayName}</span>
                          ) : (
                            <span className="text-muted-foreground">unassigned</span>
                          )}
                        </TableCell>
                        <TableCell>
                          <DecisionBadge status={i.status} />
                        </TableCell>
                        <TableCell title={i.remediationDetail ?? undefined}>
                          <RemediationBadge status={i.remediationStatus} />
                          {i.remediationDetail ? (
                            <span className="ml-2 text-xs text-muted-foreground" data-testid="remediation-detail">
                              {i.remediationDetail}
                            </span>
                          ) : null}
                        </TableCell>
                      </TableRow>
                    );
                  })}
                </TableBody>
              </Table>
            </CardContent>
          </Card>
        </>
      )}
    </>
  );
}
