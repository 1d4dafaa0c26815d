import type { Metadata } from "next";
import Link from "next/link";
import { Button } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/principal";
import { listAgents } from "@/lib/agents/list-agents";
import { getDb } from "@/lib/db/client";
import { pageNavigation, parsePageRequest, type SearchParamsRecord } from "@/lib/pagination/keyset";
import { toAgentRow } from "./agent-row";
import { AgentsTable } from "./agents-table";
import { InteractiveClientsPanel } from "./interactive-clients-panel";
import { listInteractiveClients } from "@/lib/interactive/list-interactive-clients";
import { requirePermission } from "@/app/_server/principal";
import { ExportCsvLink, exportHref } from "@/components/console/export-csv-link";

export const metadata: Metadata = { title: "Agents" };
export const dynamic = "force-dynamic";

export default async function AgentsPage({ searchParams }: { searchParams: Promise<SearchParamsRecord> }) {
  const principal = await requirePermission("inventory.view");
  const params = await searchParams;
  const request = parsePageRequest(params);
  const [page, interactive] = await Promise.all([listAgents(getDb(), request), listInteractiveClients(getDb())]);
  return (
    <>
      <PageHeader
        title="Agents"
        description="Non-human identities registered as OAuth clients, who owns them and how they authenticate."
        actions={
          <>
            <ExportCsvLink href={exportHref("/api/v1/agents/export", params)} />
            {can(principal, "agents.manage") ? (
              <Button asChild>
                <Link href="/agents/new" data-testid="register-agent">
                  Register agent
                </Link>
              </Button>
            ) : null}
          </>
        }
      />
      <InteractiveClientsPanel {...interactive} />
      <AgentsTable
        rows={page.rows.map(toAgentRow)}
        pagination={pageNavigation(page, request)}
        query={request.q ?? ""}
      />
    </>
  );
}
