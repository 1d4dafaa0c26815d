import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { exportPolicy } from "@/lib/policy/export-policy";
import { requirePermission } from "@/app/_server/principal";
import { SettingsNav } from "../settings-nav";
import { PolicyPanel } from "./policy-panel";

export const metadata: Metadata = { title: "Policy" };
export const dynamic = "force-dynamic";

export default async function PolicySettingsPage() {
  const principal = await requirePermission("settings.view");
  const exported = await exportPolicy(getDb());
  return (
    <>
      <PageHeader title="Settings" description="How this Mandate instance is set up, and who can use it." />
      <SettingsNav />
      <PolicyPanel exported={exported} canApply={can(principal, "policy.apply")} />
    </>
  );
}
