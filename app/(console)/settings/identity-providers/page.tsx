import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { listDelegatedAgentOptions, listTrustedIssuers } from "@/lib/federation/trusted-issuers";
import { listWorkloadAgentOptions, listWorkloadIdentities } from "@/lib/federation/workload-identities";
import { requirePermission } from "@/app/_server/principal";
import { SettingsNav } from "../settings-nav";
import { IdentityProvidersPanel } from "./identity-providers-panel";

export const metadata: Metadata = { title: "Identity providers" };
export const dynamic = "force-dynamic";

export default async function IdentityProvidersSettingsPage() {
  const principal = await requirePermission("settings.view");
  const db = getDb();
  const [issuers, agents, workloadAgents, workloadRules] = await Promise.all([
    listTrustedIssuers(db),
    listDelegatedAgentOptions(db),
    listWorkloadAgentOptions(db),
    listWorkloadIdentities(db),
  ]);
  return (
    <>
      <PageHeader title="Settings" description="How this Mandate instance is set up, and who can use it." />
      <SettingsNav />
      <IdentityProvidersPanel
        canManage={can(principal, "settings.manage")}
        agents={agents}
        workloadAgents={workloadAgents}
        workloadRules={workloadRules.map((w) => ({
          id: w.id,
          idpId: w.idpId,
          agentName: w.agentName,
          subject: w.subject,
          claims: w.claims,
        }))}
        rows={issuers.map((i) => ({
          ...i,
          createdAt: i.createdAt.toISOString(),
          updatedAt: i.updatedAt.toISOString(),
        }))}
      />
    </>
  );
}
