"use client";

import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import { ReasonDialog } from "@/components/ui/reason-dialog";
import { toast } from "@/components/ui/toast";
import { endAssignmentAction } from "./actions";

export function EndAssignmentButton({ assignmentId, summary }: { assignmentId: string; summary: string }) {
  const router = useRouter();
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
        const result = await endAssignmentAction({ assignmentId, reason });
        if (!result.ok) return result.error.fieldErrors?.reason?.[0] ?? result.error.message;
        toast.success("Assignment ended");
        router.refresh();
        return null;
      }}
    />
  );
}
