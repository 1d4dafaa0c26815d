"use client";

import { Scissors } from "lucide-react";
import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { toast } from "@/components/ui/toast";
import { removeUnusedAccess } from "../actions";

/** One click (and a confirmation) to end or narrow an assignment to what the agent really used. */
export function RemoveUnusedButton({
  assignmentId,
  entitlementName,
  unusedToolNames,
  endsAssignment,
}: {
  assignmentId: string;
  entitlementName: string;
  unusedToolNames: string[];
  endsAssignment: boolean;
}) {
  const router = useRouter();
  return (
    <ConfirmDialog
      trigger={
        <Button variant="outline" size="sm" data-testid="remove-unused">
          <Scissors aria-hidden /> Remove unused access
        </Button>
      }
      title={endsAssignment ? `End “${entitlementName}”?` : `Narrow “${entitlementName}”?`}
      description={
        endsAssignment
          ? `None of its ${unusedToolNames.length} tools was called in 90 days, so the assignment ends. Live sessions keep their tokens until they expire or are revoked.`
          : `Removes ${unusedToolNames.length} tools unused for 90 days (${unusedToolNames.join(", ")}); the tools it used stay granted. Live sessions keep their tokens until they expire or are revoked.`
      }
      confirmLabel={endsAssignment ? "End assignment" : "Remove unused tools"}
      onConfirm={async () => {
        const result = await removeUnusedAccess({ assignmentId });
        if (!result.ok) {
          toast.error(result.error.message);
          throw new Error(result.error.message);
        }
        const names = result.data.removedTools.map((t) => t.toolName).join(", ");
        toast.success(result.data.outcome === "ended" ? `Assignment ended (${names}).` : `Removed ${names}.`);
        router.refresh();
      }}
    />
  );
}
