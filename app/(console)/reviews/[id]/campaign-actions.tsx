"use client";

import { Lock, Play, RotateCcw } from "lucide-react";
import { useConsoleAction } from "@/components/console/use-console-action";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { closeCampaignAction, launchCampaignAction, retryRemediationAction } from "../actions";

/** Launch, close and retry, each behind a confirmation: they snapshot or remove access for many at once. */
export function CampaignActions({
  campaignId,
  status,
  unreviewedPolicy,
  failed,
}: {
  campaignId: string;
  status: string;
  unreviewedPolicy: string;
  failed: number;
}) {
  const launch = useConsoleAction(launchCampaignAction, {
    success: (data) =>
      `Launched: ${data.items} items${data.unassigned ? `, ${data.unassigned} without a reviewer` : ""}`,
  });
  const close = useConsoleAction(closeCampaignAction, {
    success: (data) => `Closed: ${data.remediated} remediated${data.failed ? `, ${data.failed} failed` : ""}`,
  });
  const retry = useConsoleAction(retryRemediationAction, {
    success: (data) => `${data.done} remediated, ${data.failed} failed`,
    toastErrors: true,
  });
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
            await launch.runOrThrow({ campaignId });
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
            await close.runOrThrow({ campaignId });
          }}
        />
      ) : null}
      {status === "closed" && failed > 0 ? (
        <Button
          variant="outline"
          data-testid="retry-remediation"
          disabled={retry.pending}
          onClick={() => void retry.run({ campaignId })}
        >
          <RotateCcw aria-hidden /> Retry failed remediation
        </Button>
      ) : null}
    </>
  );
}
