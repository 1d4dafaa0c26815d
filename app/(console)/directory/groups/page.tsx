import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { getDb } from "@/lib/db/client";
import { listDirectoryGroups } from "@/lib/directory/list-directory-groups";
import { pageNavigation, parsePageRequest, type SearchParamsRecord } from "@/lib/pagination/keyset";
import { requirePermission } from "@/app/_server/principal";
import { DirectoryNav } from "../directory-nav";
import { GroupsTable } from "./groups-table";

export const metadata: Metadata = { title: "Directory · Groups" };
export const dynamic = "force-dynamic";

export default async function DirectoryGroupsPage({ searchParams }: { searchParams: Promise<SearchParamsRecord> }) {
  await requirePermission("people.view");
  const request = parsePageRequest(await searchParams);
  const page = await listDirectoryGroups(getDb(), request);
  return (
    <>
      <PageHeader
        title="Directory"
        description="Groups as the IdP provisions them. A membership change applies to effective access at once, and to live sessions at their next token."
      />
      <DirectoryNav />
      <GroupsTable
        rows={page.rows.map((g) => ({ ...g, updatedAt: g.updatedAt.toISOString() }))}
        pagination={pageNavigation(page, request)}
        query={request.q ?? ""}
      />
    </>
  );
}
