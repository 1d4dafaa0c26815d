import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { listAuditEvents } from "@/lib/audit/list-events";
import { getDb } from "@/lib/db/client";
import { parsePageRequest, type SearchParamsRecord } from "@/lib/pagination/keyset";
import { toAuditEventRow } from "./audit-event-row";
import { AuditTable } from "./audit-table";
import { requirePermission } from "@/app/_server/principal";

export const metadata: Metadata = { title: "Audit" };
export const dynamic = "force-dynamic";

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParamsRecord> }) {
  await requirePermission("audit.view");
  const request = parsePageRequest(await searchParams);
  const page = await listAuditEvents(getDb(), request);
  return (
    <>
      <PageHeader
        title="Audit"
        description="The append-only record of access decisions and administrative changes, newest first. Times are UTC."
      />
      <AuditTable
        rows={page.rows.map(toAuditEventRow)}
        pagination={{ nextCursor: page.nextCursor, prevCursor: page.prevCursor }}
        query={request.q ?? ""}
      />
    </>
  );
}
