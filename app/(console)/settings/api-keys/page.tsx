import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { listApiKeys } from "@/lib/auth/api-keys";
import { can } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { requirePermission } from "@/app/_server/principal";
import { SettingsNav } from "../settings-nav";
import { toApiKeyRow } from "./api-key-row";
import { ApiKeysPanel } from "./api-keys-panel";

export const metadata: Metadata = { title: "API keys" };
export const dynamic = "force-dynamic";

export default async function ApiKeysSettingsPage() {
  const principal = await requirePermission("settings.view");
  const keys = await listApiKeys(getDb());
  return (
    <>
      <PageHeader title="Settings" description="How this Mandate instance is set up, and who can use it." />
      <SettingsNav />
      <ApiKeysPanel rows={keys.map(toApiKeyRow)} canManage={can(principal, "api_keys.manage")} />
    </>
  );
}
