"use client";

import { errorMessageOf, useConsoleAction } from "@/components/console/use-console-action";
import { Button } from "@/components/ui/button";
import { ReasonDialog } from "@/components/ui/reason-dialog";
import { endAssignmentAction } from "./actions";

export function EndAssignmentButton({ assignmentId, summary }: { assignmentId: string; summary: string }) {
  const end = useConsoleAction(endAssignmentAction, { success: "Assignment ended" });
  return (
    <ReasonDialog
      trigger={
        <Button variant="ghost" size="sm" data-testid="end-assignment">
          End
        </Button>
      }
      title="End this assignment?"
      description={`${summary}. The access stops now; the record and its history are kept.`}
      confirmLabel="End assignment"
      onConfirm={async (reason) => {
        const result = await end.run({ assignmentId, reason });
        return result.ok ? null : errorMessageOf(result.error, "reason");
      }}
    />
  );
}
