import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { getDb } from "@/lib/db/client";
import { grantableCatalog } from "@/lib/entitlements/grantable-catalog";
import { requirePermission } from "@/app/_server/principal";
import { EntitlementForm } from "../entitlement-form";

export const metadata: Metadata = { title: "New entitlement" };
export const dynamic = "force-dynamic";

export default async function NewEntitlementPage() {
  await requirePermission("entitlements.manage");
  const catalog = await grantableCatalog(getDb());
  return (
    <>
      <PageHeader
        title="New entitlement"
        description="Bundle approved tools of one MCP server into something you can assign."
      />
      <EntitlementForm catalog={catalog} />
    </>
  );
}
