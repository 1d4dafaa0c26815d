import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { getDb } from "@/lib/db/client";
import { activePeople } from "@/lib/people/active-people";
import { personOptions } from "@/lib/people/person-option";
import { pageNavigation, parsePageRequest, type SearchParamsRecord } from "@/lib/pagination/keyset";
import { listSessions } from "@/lib/sessions/list-sessions";
import { sessionFiltersSchema } from "@/lib/sessions/session-filters";
import { can } from "@/lib/auth/principal";
import { requirePermission } from "@/app/_server/principal";
import { EmergencyRevokeServer, KillAgentButton, RevokeAllOf } from "./scoped-actions";
import { SessionFiltersForm } from "./session-filters-form";
import { toSessionRow } from "./session-row";
import { SessionsTable } from "./sessions-table";
import { ExportCsvLink, exportHref } from "@/components/console/export-csv-link";

export const metadata: Metadata = { title: "Sessions" };
export const dynamic = "force-dynamic";

/** Filter pickers list this many names at most (the search box reaches the rest). */
const PICKER_LIMIT = 5000;

export default async function SessionsPage({ searchParams }: { searchParams: Promise<SearchParamsRecord> }) {
  const principal = await requirePermission("sessions.view");
  const params = await searchParams;
  const request = parsePageRequest(params);
  const filters = sessionFiltersSchema.parse(params);
  const db = getDb();
  const [page, agents, users, servers] = await Promise.all([
    listSessions(db, request, filters),
    db.agent.findMany({ orderBy: { name: "asc" }, take: PICKER_LIMIT, select: { id: true, name: true, status: true } }),
    activePeople(db),
    db.mcpServer.findMany({ orderBy: { name: "asc" }, take: PICKER_LIMIT, select: { id: true, name: true } }),
  ]);
  const search = new URLSearchParams(
    Object.entries(params).flatMap(([k, v]) =>
      typeof v === "string" ? [[k, v]] : Array.isArray(v) && v[0] ? [[k, v[0]]] : [],
    ),
  ).toString();
  const canRevoke = can(principal, "sessions.revoke");
  const agent = agents.find((a) => a.id === filters.agentId);
  const user = users.find((u) => u.id === filters.userId);
  const server = servers.find((s) => s.id === filters.serverId);
  return (
    <>
      <PageHeader
        title="Sessions"
        description="Agent sessions: who the agent acts for, where, with which scopes, and until when. The list refreshes itself; times are UTC."
        actions={<ExportCsvLink href={exportHref("/api/v1/sessions/export", params)} />}
      />
      <SessionFiltersForm
        filters={filters}
        q={request.q}
        agents={agents.map((a) => ({
          value: a.id,
          label: a.name,
          description: a.status === "active" ? undefined : a.status,
        }))}
        users={personOptions(users)}
        servers={servers.map((s) => ({ id: s.id, label: s.name }))}
      />
      {canRevoke && (agent || user || server) ? (
        <div className="flex flex-wrap gap-2" data-testid="scoped-actions">
          {agent ? <RevokeAllOf of="agent" id={agent.id} name={agent.name} /> : null}
          {agent && agent.status === "active" ? <KillAgentButton agentId={agent.id} name={agent.name} /> : null}
          {user ? <RevokeAllOf of="user" id={user.id} name={user.displayName} /> : null}
          {server ? <RevokeAllOf of="server" id={server.id} name={server.name} /> : null}
          {server ? <EmergencyRevokeServer serverId={server.id} name={server.name} /> : null}
        </div>
      ) : null}
      <SessionsTable
        key={search}
        canRevoke={canRevoke}
        initial={{
          rows: page.rows.map(toSessionRow),
          pagination: pageNavigation(page, request),
        }}
        search={search}
        query={request.q ?? ""}
      />
    </>
  );
}
