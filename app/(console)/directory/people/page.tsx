import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { listDirectoryPeople } from "@/lib/directory/list-directory-people";
import { pageNavigation, parsePageRequest, type SearchParamsRecord } from "@/lib/pagination/keyset";
import { requirePermission } from "@/app/_server/principal";
import { DirectoryNav } from "../directory-nav";
import { PeopleTable } from "./people-table";

export const metadata: Metadata = { title: "Directory · People" };
export const dynamic = "force-dynamic";

export default async function DirectoryPeoplePage({ searchParams }: { searchParams: Promise<SearchParamsRecord> }) {
  const principal = await requirePermission("people.view");
  const request = parsePageRequest(await searchParams);
  const page = await listDirectoryPeople(getDb(), request);
  return (
    <>
      <PageHeader
        title="Directory"
        description="Everyone the enterprise IdP provisioned or who signed in with SSO. Deactivating someone ends all their access at once."
      />
      <DirectoryNav />
      <PeopleTable
        rows={page.rows.map((p) => ({
          ...p,
          deactivatedAt: p.deactivatedAt?.toISOString() ?? null,
          updatedAt: p.updatedAt.toISOString(),
        }))}
        pagination={pageNavigation(page, request)}
        query={request.q ?? ""}
        canManage={can(principal, "directory.manage")}
        selfId={principal.userId}
      />
    </>
  );
}
