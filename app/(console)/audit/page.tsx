import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { auditFilterSubjects } from "@/lib/audit/filter-subjects";
import { auditFilterParams, isFiltered, parseAuditFilter } from "@/lib/audit/filters";
import { listAuditEvents } from "@/lib/audit/list-events";
import { inactiveAgentCallFlags } from "@/lib/agents/agent-standing";
import { can } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { pageNavigation, parsePageRequest, type SearchParamsRecord } from "@/lib/pagination/keyset";
import { toAuditEventRow } from "./audit-event-row";
import { AuditNav } from "./audit-nav";
import { AuditTable } from "./audit-table";
import { ChainStatus } from "./chain-status";
import { ExportButton } from "./export-button";
import { AuditFilterBar } from "./filter-bar";
import { requirePermission } from "@/app/_server/principal";

export const metadata: Metadata = { title: "Audit" };
export const dynamic = "force-dynamic";

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParamsRecord> }) {
  const principal = await requirePermission("audit.view");
  const params = await searchParams;
  const request = parsePageRequest(params);
  const filter = parseAuditFilter(params);
  const [page, subjects] = await Promise.all([
    listAuditEvents(getDb(), request, filter),
    auditFilterSubjects(getDb(), filter),
  ]);
  const flags = await inactiveAgentCallFlags(getDb(), page.rows);
  const query = auditFilterParams(filter).toString();
  return (
    <>
      <PageHeader
        title="Audit"
        description="The append-only, hash-chained record of access decisions and administrative changes, newest first. Times are UTC."
        actions={can(principal, "audit.export") ? <ExportButton query={query} /> : null}
      />
      <AuditNav />
      <ChainStatus />
      <AuditFilterBar key={query} filter={filter} subjects={subjects} />
      <AuditTable
        rows={page.rows.map((e) => toAuditEventRow(e, flags.get(e.id)))}
        pagination={pageNavigation(page, request)}
        query={request.q ?? ""}
        filtered={isFiltered(filter)}
      />
    </>
  );
}
