import { Download } from "lucide-react";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { DateTime } from "@/components/console/date-time";
import { RiskBadge } from "@/components/console/risk-badge";
import { getDb } from "@/lib/db/client";
import { campaignReport } from "@/lib/reviews/campaign-report";
import { campaignSummary } from "@/lib/reviews/campaign-summary";
import { requirePermission } from "@/app/_server/principal";
import { CampaignStatusBadge, DecisionBadge, RemediationBadge } from "../../status-badge";
import { PrintButton } from "./print-button";

export const metadata: Metadata = { title: "Campaign report" };
export const dynamic = "force-dynamic";

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid gap-0.5">
      <dt className="text-xs font-medium uppercase tracking-wide text-muted-foreground">{label}</dt>
      <dd className="text-sm">{children}</dd>
    </div>
  );
}

const when = (d: Date | undefined | null) => (d ? <DateTime iso={d.toISOString()} /> : null);
const isoOrNothing = (s: string) => (s ? <DateTime iso={s} /> : null);

/**
 * The printable report: what the campaign covered, who launched and closed it,
 * and for every item who decided what, when, why and what remediation did.
 * Columns are paired (holder and type, decision and decider…) so the whole
 * report fits a page, on screen and on paper.
 */
export default async function CampaignReportPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePermission("reviews.view");
  const { id } = await params;
  const db = getDb();
  const [report, summary] = await Promise.all([campaignReport(db, id), campaignSummary(db, id)]);
  if (!report || !summary) notFound();
  const printedAt = new Date();
  return (
    <article className="grid gap-6 print:gap-3 print:text-[10px]" data-testid="campaign-report">
      <PageHeader
        title={`Access review report: ${report.name}`}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <CampaignStatusBadge status={report.status} />
            <span>
              {report.rows.length} items · printed <DateTime iso={printedAt.toISOString()} />
            </span>
          </span>
        }
        actions={
          <span className="flex gap-2 print:hidden">
            <PrintButton />
            <Button variant="outline" size="sm" asChild>
              <a href={`/api/v1/reviews/campaigns/${id}/report`} download data-testid="download-csv">
                <Download aria-hidden /> Download CSV
              </a>
            </Button>
          </span>
        }
      />
      <Card className="print:border-0 print:py-0 print:shadow-none">
        <CardContent className="print:px-0">
          <dl className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4" data-testid="report-summary">
            <Fact label="Scope">
              {summary.scope.length === 0 ? (
                "Every live assignment"
              ) : (
                <ul className="grid gap-0.5" data-testid="report-scope">
                  {summary.scope.map((s) => (
                    <li key={s.label}>
                      <span className="text-muted-foreground">{s.label}:</span> {s.values.join(", ")}
                    </li>
                  ))}
                </ul>
              )}
            </Fact>
            <Fact label="Reviewers">
              {summary.reviewerPolicy}
              <span className="block text-muted-foreground">
                Unreviewed items {summary.unreviewedPolicy === "remove" ? "removed" : "kept"} at close · due{" "}
                <DateTime iso={summary.dueAt.toISOString()} dateOnly />
              </span>
            </Fact>
            <Fact label="Launched">
              <span data-testid="report-launched">
                {summary.launched ? (
                  <>
                    {summary.launched.by ?? "—"} <span className="block">{when(summary.launched.at)}</span>
                  </>
                ) : (
                  "Not launched"
                )}
              </span>
            </Fact>
            <Fact label="Closed">
              <span data-testid="report-closed">
                {summary.closed ? (
                  <>
                    {summary.closed.by ?? "—"} <span className="block">{when(summary.closed.at)}</span>
                  </>
                ) : (
                  "Still open"
                )}
              </span>
            </Fact>
          </dl>
          {summary.description ? <p className="mt-4 text-sm text-muted-foreground">{summary.description}</p> : null}
        </CardContent>
      </Card>
      <div className="overflow-hidden rounded-xl border bg-card shadow-xs print:rounded-none print:border-0 print:shadow-none">
        <Table aria-label="Review items" className="text-xs">
          <TableHeader>
            <TableRow className="hover:bg-transparent">
              <TableHead>Holder</TableHead>
              <TableHead>Entitlement</TableHead>
              <TableHead>Risk</TableHead>
              <TableHead>Reviewer</TableHead>
              <TableHead>Decision</TableHead>
              <TableHead>Justification</TableHead>
              <TableHead>Kept tools</TableHead>
              <TableHead>Remediation</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {report.rows.map((r) => (
              <TableRow key={r.itemId} className="break-inside-avoid align-top" data-testid="report-row">
                <TableCell className="align-top">
                  <span className="font-medium">{r.subject}</span>
                  <span className="block text-muted-foreground">{r.subjectType}</span>
                </TableCell>
                <TableCell className="align-top">
                  {r.entitlement}
                  <span className="block text-muted-foreground">{r.server}</span>
                </TableCell>
                <TableCell className="align-top">
                  <RiskBadge risk={r.risk as "read"} />
                </TableCell>
                <TableCell className="align-top">
                  {r.reviewer || <span className="text-muted-foreground">—</span>}
                </TableCell>
                <TableCell className="align-top">
                  <span className="flex flex-wrap items-center gap-1">
                    {r.decision === "not reviewed" ? (
                      <Badge variant="neutral">not reviewed</Badge>
                    ) : (
                      <DecisionBadge status={r.decision} />
                    )}
                    {r.flagged ? <Badge variant="warning">rubber-stamp</Badge> : null}
                  </span>
                  {r.decidedBy ? <span className="block">{r.decidedBy}</span> : null}
                  {isoOrNothing(r.decidedAt)}
                </TableCell>
                <TableCell className="align-top">{r.justification}</TableCell>
                <TableCell className="align-top font-mono">{r.keptTools}</TableCell>
                <TableCell className="align-top">
                  <RemediationBadge status={r.remediation} />
                  {r.remediationDetail ? (
                    <span className="block text-muted-foreground">{r.remediationDetail}</span>
                  ) : null}
                  {isoOrNothing(r.remediatedAt)}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
    </article>
  );
}
