import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { getDb } from "@/lib/db/client";
import { parsePageRequest, type SearchParamsRecord } from "@/lib/pagination/keyset";
import { listServers } from "@/lib/servers/list-servers";
import { ServersTable } from "./servers-table";
import { requirePermission } from "@/app/_server/principal";

export const metadata: Metadata = { title: "MCP servers" };
export const dynamic = "force-dynamic";

export default async function ServersPage({ searchParams }: { searchParams: Promise<SearchParamsRecord> }) {
  await requirePermission("inventory.view");
  const request = parsePageRequest(await searchParams);
  const page = await listServers(getDb(), request);
  return (
    <>
      <PageHeader
        title="MCP servers"
        description="Protected resources agents call, and whether each validates tokens itself or sits behind Mandate's gateway."
      />
      <ServersTable
        rows={page.rows}
        pagination={{ nextCursor: page.nextCursor, prevCursor: page.prevCursor }}
        query={request.q ?? ""}
      />
    </>
  );
}
