import { ClipboardCheck } from "lucide-react";
import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/app/_server/principal";

export const metadata: Metadata = { title: "Reviews" };

export default async function ReviewsPage() {
  await requirePermission("reviews.view");
  return (
    <>
      <PageHeader
        title="Reviews"
        description="Access certifications: periodic campaigns in which owners confirm or remove what agents may do."
      />
      <EmptyState
        icon={ClipboardCheck}
        title="No access reviews yet"
        description={
          <>
            Review campaigns will appear here. Each campaign selects assignments by server, agent, owner or risk, routes
            every item to a reviewer, and records whether the access was certified, reduced or revoked — with removals
            applied automatically when the campaign closes.
          </>
        }
      />
    </>
  );
}
