import { ClipboardCheck, Inbox, Plus } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { DataTableToolbar } from "@/components/ui/data-table/data-table-toolbar";
import { countText, positionText } from "@/components/ui/data-table/position-text";
import { DateTime } from "@/components/console/date-time";
import { can } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { countPendingForReviewer } from "@/lib/reviews/campaign-page";
import { CAMPAIGNS_SHOWN, countCampaigns, listCampaigns, type CampaignSummary } from "@/lib/reviews/list-campaigns";
import { parsePageRequest, type SearchParamsRecord } from "@/lib/pagination/keyset";
import { MICRO_TRIGGER_LABELS, type MicroTrigger } from "@/lib/reviews/micro-certification";
import { requirePermission } from "@/app/_server/principal";
import { CampaignStatusBadge } from "./status-badge";

export const metadata: Metadata = { title: "Reviews" };
export const dynamic = "force-dynamic";

export default async function ReviewsPage({ searchParams }: { searchParams: Promise<SearchParamsRecord> }) {
  const principal = await requirePermission("reviews.view");
  const { q } = parsePageRequest(await searchParams);
  const db = getDb();
  const [campaigns, total, micro, myPending] = await Promise.all([
    listCampaigns(db, { kind: "campaign", q }),
    countCampaigns(db, { kind: "campaign", q }),
    listCampaigns(db, { kind: "micro", take: 50 }),
    can(principal, "reviews.decide") ? countPendingForReviewer(db, principal.userId) : null,
  ]);
  return (
    <>
      <PageHeader
        title="Reviews"
        description="Access certifications: campaigns in which reviewers confirm, reduce or revoke what agents and people may do — removals are applied when the campaign closes."
        actions={
          <>
            {myPending !== null ? (
              <Button variant="outline" asChild>
                <Link href="/reviews/inbox" data-testid="open-inbox">
                  <Inbox aria-hidden /> My reviews ({myPending})
                </Link>
              </Button>
            ) : null}
            {can(principal, "reviews.manage") ? (
              <Button asChild>
                <Link href="/reviews/new" data-testid="new-campaign">
                  <Plus aria-hidden /> New campaign
                </Link>
              </Button>
            ) : null}
          </>
        }
      />
      {campaigns.length === 0 && !q ? (
        <EmptyState
          icon={ClipboardCheck}
          title="No access reviews yet"
          description="Each campaign selects assignments by server, agent, owner, risk or entitlement, routes every item to a reviewer, and records whether the access was certified, reduced or revoked."
        />
      ) : (
        <div className="grid gap-3">
          <DataTableToolbar value={q ?? ""} placeholder="Search campaigns by name…" />
          {campaigns.length === 0 ? (
            <p className="text-sm text-muted-foreground">No campaign matches “{q}”.</p>
          ) : (
            <CampaignTable rows={campaigns} testId="campaigns" />
          )}
          <p className="px-1 text-sm text-muted-foreground" data-testid="table-count">
            {positionText({ first: 1, total, firstCapped: false, totalCapped: false }, campaigns.length)} · newest{" "}
            {countText(CAMPAIGNS_SHOWN)} shown
          </p>
        </div>
      )}
      <Card>
        <CardHeader>
          <CardTitle>Micro-certifications</CardTitle>
          <CardDescription>
            One-item reviews opened by an event: an agent&apos;s owner left, a grant went unused, a tool became riskier.
          </CardDescription>
        </CardHeader>
        <CardContent>
          {micro.length === 0 ? (
            <p className="text-sm text-muted-foreground">None yet.</p>
          ) : (
            <CampaignTable rows={micro} testId="micro-campaigns" micro />
          )}
        </CardContent>
      </Card>
    </>
  );
}

function CampaignTable({ rows, testId, micro = false }: { rows: CampaignSummary[]; testId: string; micro?: boolean }) {
  return (
    <Table data-testid={testId}>
      <TableHeader>
        <TableRow>
          <TableHead>{micro ? "Review" : "Campaign"}</TableHead>
          <TableHead>Status</TableHead>
          {micro ? <TableHead>Trigger</TableHead> : null}
          <TableHead>Due</TableHead>
          <TableHead className="text-right">Items</TableHead>
          <TableHead className="text-right">Pending</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {rows.map((c) => (
          <TableRow key={c.id} data-testid="campaign-row">
            <TableCell>
              <Link href={`/reviews/${c.id}`} className="font-medium hover:underline">
                {c.name}
              </Link>
              {c.recurrenceDays ? (
                <span className="ml-2 text-xs text-muted-foreground">every {c.recurrenceDays} days</span>
              ) : null}
            </TableCell>
            <TableCell>
              <CampaignStatusBadge status={c.status} />
            </TableCell>
            {micro ? <TableCell>{MICRO_TRIGGER_LABELS[c.trigger as MicroTrigger] ?? c.trigger}</TableCell> : null}
            <TableCell>
              <DateTime iso={c.dueAt.toISOString()} dateOnly />
            </TableCell>
            <TableCell className="text-right tabular-nums">{c.itemCount}</TableCell>
            <TableCell className="text-right tabular-nums">{c.status === "draft" ? "—" : c.pending}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
