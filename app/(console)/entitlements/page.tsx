import type { Metadata } from "next";
import Link from "next/link";
import { Button } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { listEntitlements } from "@/lib/entitlements/list-entitlements";
import { pageNavigation, parsePageRequest, type SearchParamsRecord } from "@/lib/pagination/keyset";
import { EntitlementsTable } from "./entitlements-table";
import { requirePermission } from "@/app/_server/principal";

export const metadata: Metadata = { title: "Entitlements" };
export const dynamic = "force-dynamic";

export default async function EntitlementsPage({ searchParams }: { searchParams: Promise<SearchParamsRecord> }) {
  const principal = await requirePermission("inventory.view");
  const request = parsePageRequest(await searchParams);
  const page = await listEntitlements(getDb(), request);
  return (
    <>
      <PageHeader
        title="Entitlements"
        description="Grantable bundles of MCP tools, each bound to one server and a maximum session length."
        actions={
          <>
            <Button variant="outline" asChild>
              <Link href="/entitlements/assignments" data-testid="assignments-link">
                Assignments
              </Link>
            </Button>
            {can(principal, "entitlements.manage") ? (
              <Button asChild>
                <Link href="/entitlements/new" data-testid="new-entitlement">
                  New entitlement
                </Link>
              </Button>
            ) : null}
          </>
        }
      />
      <EntitlementsTable rows={page.rows} pagination={pageNavigation(page, request)} query={request.q ?? ""} />
    </>
  );
}
