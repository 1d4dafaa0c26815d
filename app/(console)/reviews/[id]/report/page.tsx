import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { campaignReport, REPORT_COLUMNS } from "@/lib/reviews/campaign-report";
import { requirePermission } from "@/app/_server/principal";
import { PrintButton } from "./print-button";

export const metadata: Metadata = { title: "Campaign report" };
export const dynamic = "force-dynamic";

/** The printable report: every item, who decided what, when, why, and what remediation did. */
export default async function CampaignReportPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePermission("reviews.view");
  const { id } = await params;
  const report = await campaignReport(getDb(), id);
  if (!report) notFound();
  const columns = REPORT_COLUMNS.filter((c) => c.key !== "itemId" && c.key !== "tools");
  return (
    <article className="grid gap-4 print:text-[10px]" data-testid="campaign-report">
      <header className="flex flex-wrap items-end justify-between gap-2">
        <div>
          <h1 className="text-2xl font-semibold">Access review report: {report.name}</h1>
          <p className="text-sm text-muted-foreground">
            Status {report.status} · {report.rows.length} items · printed {new Date().toISOString().slice(0, 16).replace("T", " ")} UTC
          </p>
        </div>
        <div className="flex gap-2 print:hidden">
          <PrintButton />
          <a className="text-sm underline" href={`/api/v1/reviews/campaigns/${id}/report`} download>
            Download CSV
          </a>
        </div>
      </header>
      <table className="w-full border-collapse text-xs">
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} className="border-b p-1 text-left font-semibold">
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {report.rows.map((r) => (
            <tr key={r.itemId} className="break-inside-avoid" data-testid="report-row">
              {columns.map((c) => (
                <td key={c.key} className="border-b p-1 align-top">
                  {r[c.key]}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </article>
  );
}
