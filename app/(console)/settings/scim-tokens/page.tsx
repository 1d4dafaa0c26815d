import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { listScimTokens } from "@/lib/directory/scim-tokens";
import { listEnterpriseIdpOptions } from "@/lib/federation/trusted-issuers";
import { issuerFromEnv } from "@/lib/oauth/defaults";
import { requirePermission } from "@/app/_server/principal";
import { SettingsNav } from "../settings-nav";
import { ScimTokensPanel } from "./scim-tokens-panel";

export const metadata: Metadata = { title: "SCIM tokens" };
export const dynamic = "force-dynamic";

export default async function ScimTokensSettingsPage() {
  const principal = await requirePermission("settings.view");
  const canManage = can(principal, "directory.manage");
  const db = getDb();
  const [tokens, idps] = await Promise.all([listScimTokens(db), listEnterpriseIdpOptions(db)]);
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return (
    <>
      <PageHeader title="Settings" description="How this Mandate instance is set up, and who can use it." />
      <SettingsNav />
      <ScimTokensPanel
        canManage={canManage}
        idps={idps}
        endpoint={`${issuerFromEnv()}/scim/v2`}
        rows={tokens.map((t) => ({
          ...t,
          createdAt: t.createdAt.toISOString(),
          lastUsedAt: iso(t.lastUsedAt),
          revokedAt: iso(t.revokedAt),
        }))}
      />
    </>
  );
}
