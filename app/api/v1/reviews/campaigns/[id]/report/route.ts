import { getDb } from "@/lib/db/client";
import { DomainError } from "@/lib/errors/domain-error";
import { campaignReport, reportCsv } from "@/lib/reviews/campaign-report";
import { defineApiRoute } from "@/app/_server/api-route";

/** The campaign report — who decided what, when, why, and the remediation result — as CSV. */
export const GET = defineApiRoute({
  permission: "reviews.view",
  handler: async ({ params }) => {
    const report = await campaignReport(getDb(), params.id ?? "");
    if (!report) throw new DomainError("not_found", "No such campaign");
    const file = `${report.name.replace(/[^A-Za-z0-9._-]+/g, "-").slice(0, 80) || "campaign"}-report.csv`;
    return new Response(reportCsv(report.rows), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${file}"`,
        "cache-control": "no-store",
      },
    });
  },
});
