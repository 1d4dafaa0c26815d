import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { PageHeader } from "@/components/ui/page-header";
import { getDb } from "@/lib/db/client";
import { getEntitlement } from "@/lib/entitlements/get-entitlement";
import { grantableCatalog } from "@/lib/entitlements/grantable-catalog";
import { requirePermission } from "@/app/_server/principal";
import { EntitlementForm } from "../../entitlement-form";

export const metadata: Metadata = { title: "Edit entitlement" };
export const dynamic = "force-dynamic";

export default async function EditEntitlementPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePermission("entitlements.manage");
  const { id } = await params;
  const db = getDb();
  const [entitlement, catalog] = await Promise.all([getEntitlement(db, id), grantableCatalog(db)]);
  if (!entitlement) notFound();
  return (
    <>
      <PageHeader
        title={`Edit ${entitlement.name}`}
        description={`Tools of ${entitlement.server.name}; its holders' access changes with it.`}
      />
      <EntitlementForm
        catalog={catalog}
        initial={{
          id,
          name: entitlement.name,
          description: entitlement.description,
          serverId: entitlement.server.id,
          // Only approved tools can be kept; an un-approved one drops out on save.
          toolIds: entitlement.tools.filter((t) => t.status === "approved").map((t) => t.id),
          maxSessionSeconds: entitlement.maxSessionSeconds,
          reauthIntervalSeconds: entitlement.reauthIntervalSeconds,
        }}
      />
    </>
  );
}
