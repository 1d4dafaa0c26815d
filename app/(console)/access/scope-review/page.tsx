import { Gauge, KeyRound, Scissors } from "lucide-react";
import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { StatCard } from "@/components/ui/stat-card";
import { getDb } from "@/lib/db/client";
import { excessOf, scopeUsageByAgent } from "@/lib/reviews/scope-usage";
import { ScopeReviewTable } from "./scope-review-table";
import { requirePermission } from "@/app/_server/principal";

export const metadata: Metadata = { title: "Scope review" };
export const dynamic = "force-dynamic";

export default async function ScopeReviewPage() {
  await requirePermission("scope_review.view");
  const rows = await scopeUsageByAgent(getDb());
  const excess = excessOf(rows);
  // Worst first: the agents with the most unused access lead the list.
  const sorted = [...rows].sort(
    (a, b) => b.excessPercent - a.excessPercent || b.granted - a.granted || a.name.localeCompare(b.name),
  );
  return (
    <>
      <PageHeader
        title="Scope review"
        description="Tools each agent is granted versus the tools it called (tool.called audit events) in the last 30 and 90 days. Open an agent to remove what it does not use."
      />
      <section aria-label="Key figures" className="grid gap-4 sm:grid-cols-3">
        <StatCard
          testId="stat-excess"
          label="Excess privilege"
          value={excess.percent}
          suffix="%"
          icon={Gauge}
          tone="attention"
          hint="Agent → tool grants unused in 90 days"
        />
        <StatCard
          testId="stat-unused-grants"
          label="Unused grants"
          value={excess.unused}
          icon={Scissors}
          hint="Candidates for removal"
        />
        <StatCard
          testId="stat-grants"
          label="Agent → tool grants"
          value={excess.grants}
          icon={KeyRound}
          hint={`Held by ${rows.filter((r) => r.granted > 0).length} agents`}
        />
      </section>
      <ScopeReviewTable rows={sorted} />
    </>
  );
}
