import { Inbox } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { getDb } from "@/lib/db/client";
import { eligibleReviewers } from "@/lib/reviews/eligible-reviewers";
import { personOptions } from "@/lib/people/person-option";
import { reviewerInbox, type InboxItem } from "@/lib/reviews/reviewer-inbox";
import { requirePermission } from "@/app/_server/principal";
import { DecidedList, InboxList, type InboxEntry } from "./inbox-list";

export const metadata: Metadata = { title: "My reviews" };
export const dynamic = "force-dynamic";

function toEntry(i: InboxItem): InboxEntry {
  return {
    id: i.id,
    campaignName: i.campaignName,
    micro: i.campaignKind === "micro",
    dueAt: i.dueAt.toISOString(),
    level: i.level,
    risk: i.risk,
    subject: i.snapshot.principalLabel,
    subjectType: i.snapshot.principalType,
    subjectDetail: i.snapshot.principalDetail,
    agentOwner: i.snapshot.agentOwnerLabel,
    entitlement: i.snapshot.entitlementName,
    server: i.snapshot.serverName,
    grantedBy: i.snapshot.grantedByLabel,
    grantedAt: i.snapshot.grantedAt,
    expiresAt: i.snapshot.expiresAt,
    justification: i.snapshot.justification,
    lastUsedAt: i.lastUsedAt?.toISOString() ?? null,
    tools: i.tools,
    used30: i.used30,
    used90: i.used90,
    peers: i.peers,
    reassignNote: i.reassignNote,
    firstDecision: i.firstDecision,
    holderStanding: i.holderStanding
      ? {
          status: i.holderStanding.status,
          since: i.holderStanding.since?.toISOString() ?? null,
          reason: i.holderStanding.reason,
        }
      : null,
    recommendation: i.recommendation,
    decision: i.decision ? { ...i.decision, decidedAt: i.decision.decidedAt?.toISOString() ?? null } : null,
  };
}

export default async function InboxPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const principal = await requirePermission("reviews.decide");
  const sp = await searchParams;
  const cursor = typeof sp.cursor === "string" && sp.cursor.length <= 200 ? sp.cursor : null;
  const db = getDb();
  const [page, decided, reviewerPeople] = await Promise.all([
    reviewerInbox(db, principal.userId, { cursor }),
    // Decided items stay in view, with their decision, while the campaign is open: they can still be taken back.
    cursor ? null : reviewerInbox(db, principal.userId, { status: "decided", take: 20, evidence: false }),
    eligibleReviewers(db, principal.userId),
  ]);
  const reviewers = personOptions(reviewerPeople);
  const entries = page.items.map(toEntry);
  const decidedEntries = decided?.items.map(toEntry) ?? [];
  return (
    <>
      <PageHeader
        title="My reviews"
        description={`${page.pending} item${page.pending === 1 ? "" : "s"} waiting for your decision. Certify what is still needed, reduce it to the tools in use, or revoke it; removals happen when the campaign closes.`}
        actions={
          <Button variant="ghost" asChild>
            <Link href="/reviews">All campaigns</Link>
          </Button>
        }
      />
      {entries.length === 0 ? (
        <EmptyState
          icon={Inbox}
          title="Nothing to review"
          description="Items assigned to you in active campaigns appear here."
        />
      ) : (
        <InboxList entries={entries} reviewers={reviewers} />
      )}
      {decidedEntries.length > 0 ? (
        <section className="grid gap-3" aria-labelledby="decided-heading" data-testid="decided-items">
          <div className="grid gap-1">
            <h2 id="decided-heading" className="text-lg font-semibold">
              Decided ({decidedEntries.length}
              {decided?.nextCursor ? "+" : ""})
            </h2>
            <p className="text-sm text-muted-foreground">
              Your decisions in open campaigns. Nothing is removed until the campaign closes: until then a decision can
              be taken back and made again.
            </p>
          </div>
          <DecidedList entries={decidedEntries} />
        </section>
      ) : null}
      {page.nextCursor ? (
        <div>
          <Button variant="outline" asChild>
            <Link href={`/reviews/inbox?cursor=${encodeURIComponent(page.nextCursor)}`} data-testid="inbox-next">
              Next page
            </Link>
          </Button>
        </div>
      ) : null}
    </>
  );
}
