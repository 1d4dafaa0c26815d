"use client";

import { Lock, Play, RotateCcw } from "lucide-react";
import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { toast } from "@/components/ui/toast";
import { closeCampaignAction, launchCampaignAction, retryRemediationAction } from "../actions";

/** Launch, close and retry, each behind a confirmation: they snapshot or remove access for many at once. */
export function CampaignActions({ campaignId, status, unreviewedPolicy, failed }: { campaignId: string; status: string; unreviewedPolicy: string; failed: number }) {
  const router = useRouter();
  const fail = (message: string) => {
    toast.error(message);
    throw new Error(message);
  };
  return (
    <>
      {status === "draft" || status === "launching" ? (
        <ConfirmDialog
          trigger={
            <Button data-testid="launch-campaign">
              <Play aria-hidden /> Launch
            </Button>
          }
          title="Launch this campaign?"
          description="The live assignments in scope are copied into review items now; later changes to assignments do not change the campaign. Each item goes to its reviewer."
          confirmLabel="Launch"
          onConfirm={async () => {
            const r = await launchCampaignAction({ campaignId });
            if (!r.ok) return fail(r.error.message);
            toast.success(`Launched: ${r.data.items} items${r.data.unassigned ? `, ${r.data.unassigned} without a reviewer` : ""}`);
            router.refresh();
          }}
        />
      ) : null}
      {status === "active" ? (
        <ConfirmDialog
          trigger={
            <Button variant="destructive" data-testid="close-campaign">
              <Lock aria-hidden /> Close and remediate
            </Button>
          }
          title="Close this campaign?"
          description={`No more decisions. Revoke and reduce decisions are carried out now (assignments ended or narrowed, affected sessions revoked). Unreviewed items are ${unreviewedPolicy === "remove" ? "removed" : "kept"}.`}
          confirmLabel="Close campaign"
          confirmationText="close"
          onConfirm={async () => {
            const r = await closeCampaignAction({ campaignId });
            if (!r.ok) return fail(r.error.message);
            toast.success(`Closed: ${r.data.remediated} remediated${r.data.failed ? `, ${r.data.failed} failed` : ""}`);
            router.refresh();
          }}
        />
      ) : null}
      {status === "closed" && failed > 0 ? (
        <Button
          variant="outline"
          data-testid="retry-remediation"
          onClick={async () => {
            const r = await retryRemediationAction({ campaignId });
            if (!r.ok) return toast.error(r.error.message);
            toast.success(`${r.data.done} remediated, ${r.data.failed} failed`);
            router.refresh();
          }}
        >
          <RotateCcw aria-hidden /> Retry failed remediation
        </Button>
      ) : null}
    </>
  );
}
