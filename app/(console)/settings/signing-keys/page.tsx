import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { listSigningKeys } from "@/lib/keys/list-signing-keys";
import { requirePermission } from "@/app/_server/principal";
import { SettingsNav } from "../settings-nav";
import { SigningKeysPanel } from "./signing-keys-panel";
import { toSigningKeyRow } from "./signing-key-row";

export const metadata: Metadata = { title: "Signing keys" };
export const dynamic = "force-dynamic";

export default async function SigningKeysSettingsPage() {
  const principal = await requirePermission("settings.view");
  const keys = await listSigningKeys(getDb());
  return (
    <>
      <PageHeader title="Settings" description="How this Mandate instance is set up, and who can use it." />
      <SettingsNav />
      <SigningKeysPanel rows={keys.map(toSigningKeyRow)} canManage={can(principal, "signing_keys.manage")} />
    </>
  );
}
