import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { getDb } from "@/lib/db/client";
import { activePeople } from "@/lib/people/active-people";
import { requirePermission } from "@/app/_server/principal";
import { RegisterAgentForm } from "./register-agent-form";

export const metadata: Metadata = { title: "Register agent" };
export const dynamic = "force-dynamic";

export default async function RegisterAgentPage() {
  await requirePermission("agents.manage");
  const people = await activePeople(getDb());
  return (
    <>
      <PageHeader
        title="Register agent"
        description="Create an OAuth client for a non-human identity, with a human owner."
      />
      <RegisterAgentForm people={people} />
    </>
  );
}
