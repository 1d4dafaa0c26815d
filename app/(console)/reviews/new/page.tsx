import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { getDb } from "@/lib/db/client";
import { personOptions } from "@/lib/people/person-option";
import { eligibleReviewers } from "@/lib/reviews/eligible-reviewers";
import { requirePermission } from "@/app/_server/principal";
import { CampaignForm } from "./campaign-form";

export const metadata: Metadata = { title: "New review campaign" };
export const dynamic = "force-dynamic";

export default async function NewCampaignPage() {
  await requirePermission("reviews.manage");
  const db = getDb();
  const [servers, entitlements, agents, owners, reviewers] = await Promise.all([
    db.mcpServer.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true } }),
    db.entitlement.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true } }),
    db.agent.findMany({
      where: { status: { not: "retired" } },
      orderBy: { name: "asc" },
      select: { id: true, name: true },
    }),
    db.user.findMany({
      where: { ownedAgents: { some: {} } },
      orderBy: { displayName: "asc" },
      select: { id: true, displayName: true, email: true },
    }),
    eligibleReviewers(db),
  ]);
  const opt = (rows: { id: string; name: string }[]) => rows.map((r) => ({ value: r.id, label: r.name }));
  return (
    <>
      <PageHeader
        title="New review campaign"
        description="Choose what is in scope and who reviews it. Nothing is copied until you launch: launching takes a snapshot of the assignments in scope."
      />
      <CampaignForm
        servers={opt(servers)}
        entitlements={opt(entitlements)}
        agents={opt(agents)}
        owners={personOptions(owners)}
        reviewers={personOptions(reviewers)}
      />
    </>
  );
}
