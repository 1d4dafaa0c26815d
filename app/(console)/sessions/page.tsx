import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { getDb } from "@/lib/db/client";
import { parsePageRequest, type SearchParamsRecord } from "@/lib/pagination/keyset";
import { listActiveSessions } from "@/lib/sessions/list-sessions";
import { toSessionRow } from "./session-row";
import { SessionsTable } from "./sessions-table";
import { requirePermission } from "@/app/_server/principal";
import { can } from "@/lib/auth/principal";

export const metadata: Metadata = { title: "Sessions" };
export const dynamic = "force-dynamic";

export default async function SessionsPage({ searchParams }: { searchParams: Promise<SearchParamsRecord> }) {
  const principal = await requirePermission("sessions.view");
  const request = parsePageRequest(await searchParams);
  const page = await listActiveSessions(getDb(), request);
  return (
    <>
      <PageHeader
        title="Sessions"
        description="Agent sessions that hold live access right now, newest first: who the agent acts for, where, and with which scopes. Times are UTC."
      />
      <SessionsTable
        canRevoke={can(principal, "sessions.revoke")}
        rows={page.rows.map(toSessionRow)}
        pagination={{ nextCursor: page.nextCursor, prevCursor: page.prevCursor }}
        query={request.q ?? ""}
      />
    </>
  );
}
