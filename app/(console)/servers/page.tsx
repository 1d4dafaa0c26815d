import type { Metadata } from "next";
import { Plus } from "lucide-react";
import Link from "next/link";
import { Button } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { pageNavigation, parsePageRequest, type SearchParamsRecord } from "@/lib/pagination/keyset";
import { listServers } from "@/lib/servers/list-servers";
import { ServersTable } from "./servers-table";
import { requirePermission } from "@/app/_server/principal";

export const metadata: Metadata = { title: "MCP servers" };
export const dynamic = "force-dynamic";

export default async function ServersPage({ searchParams }: { searchParams: Promise<SearchParamsRecord> }) {
  const principal = await requirePermission("inventory.view");
  const params = await searchParams;
  const request = parsePageRequest(params);
  const pendingOnly = params.pending === "1";
  const page = await listServers(getDb(), request, { pendingOnly });
  return (
    <>
      <PageHeader
        title="MCP servers"
        description="Protected resources agents call, and whether each validates tokens itself or sits behind Mandate's gateway."
        actions={
          // Shown to those who may register; the action checks the permission again.
          can(principal, "servers.manage") ? (
            <Button asChild>
              <Link href="/servers/new" data-testid="register-server">
                <Plus aria-hidden />
                Register server
              </Link>
            </Button>
          ) : null
        }
      />
      {pendingOnly ? (
        <p className="text-sm" data-testid="pending-filter">
          Showing servers with tools pending approval.{" "}
          <Link href="/servers" className="underline underline-offset-4">
            Show all servers
          </Link>
        </p>
      ) : null}
      <ServersTable rows={page.rows} pagination={pageNavigation(page, request)} query={request.q ?? ""} />
    </>
  );
}
