import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { EXPIRING_SOON_DAYS, listAssignments, parseAssignmentFilters } from "@/lib/assignments/list-assignments";
import { listSeparationConflicts } from "@/lib/assignments/list-separation-conflicts";
import { can } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { entitlementOptions } from "@/lib/entitlements/entitlement-options";
import { pageNavigation, parsePageRequest, type SearchParamsRecord } from "@/lib/pagination/keyset";
import { requirePermission } from "@/app/_server/principal";
import { AssignmentFilters } from "./assignment-filters";
import { toAssignmentRow } from "./assignment-row";
import { AssignmentsTable } from "./assignments-table";
import { SeparationConflicts } from "./separation-conflicts";
import { ExportCsvLink, exportHref } from "@/components/console/export-csv-link";

export const metadata: Metadata = { title: "Assignments" };
export const dynamic = "force-dynamic";

export default async function AssignmentsPage({ searchParams }: { searchParams: Promise<SearchParamsRecord> }) {
  const principal = await requirePermission("inventory.view");
  const params = await searchParams;
  const request = parsePageRequest(params);
  const filters = parseAssignmentFilters(params);
  const db = getDb();
  const [page, entitlements, conflicts] = await Promise.all([
    listAssignments(db, request, filters),
    entitlementOptions(db),
    listSeparationConflicts(db),
  ]);
  return (
    <>
      <PageHeader
        title="Assignments"
        description={`Who holds which entitlement right now, until when and why. “Expiring soon” is within ${EXPIRING_SOON_DAYS} days; times in UTC.`}
        actions={<ExportCsvLink href={exportHref("/api/v1/assignments/export", params)} />}
      />
      {conflicts.total > 0 ? (
        <SeparationConflicts
          total={conflicts.total}
          canResolve={can(principal, "assignments.manage")}
          rows={conflicts.rows.map((c) => ({
            id: c.id,
            entitlement: c.entitlement,
            principalType: c.principalType,
            principal: { id: c.principal.id, label: c.principal.label },
            conflict: c.conflict,
            conflictAt: c.conflictAt.toISOString(),
          }))}
        />
      ) : null}
      <AssignmentsTable
        rows={page.rows.map(toAssignmentRow)}
        pagination={pageNavigation(page, request)}
        query={request.q ?? ""}
        canEnd={can(principal, "assignments.manage")}
        filters={
          <AssignmentFilters
            principalType={filters.principalType ?? ""}
            entitlementId={filters.entitlementId ?? ""}
            expiring={filters.expiring === "soon"}
            entitlements={entitlements}
          />
        }
      />
    </>
  );
}
