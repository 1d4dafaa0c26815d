import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { listAgents } from "@/lib/agents/list-agents";
import { getDb } from "@/lib/db/client";
import { parsePageRequest, type SearchParamsRecord } from "@/lib/pagination/keyset";
import { toAgentRow } from "./agent-row";
import { AgentsTable } from "./agents-table";
import { requirePermission } from "@/app/_server/principal";

export const metadata: Metadata = { title: "Agents" };
export const dynamic = "force-dynamic";

export default async function AgentsPage({ searchParams }: { searchParams: Promise<SearchParamsRecord> }) {
  await requirePermission("inventory.view");
  const request = parsePageRequest(await searchParams);
  const page = await listAgents(getDb(), request);
  return (
    <>
      <PageHeader
        title="Agents"
        description="Non-human identities registered as OAuth clients, who owns them and how they authenticate."
      />
      <AgentsTable
        rows={page.rows.map(toAgentRow)}
        pagination={{ nextCursor: page.nextCursor, prevCursor: page.prevCursor }}
        query={request.q ?? ""}
      />
    </>
  );
}
