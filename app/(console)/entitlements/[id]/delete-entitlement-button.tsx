"use client";

import { useRouter } from "next/navigation";
import { useConsoleAction } from "@/components/console/use-console-action";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { deleteEntitlementAction } from "../actions";

export function DeleteEntitlementButton({ entitlementId, name }: { entitlementId: string; name: string }) {
  const router = useRouter();
  const remove = useConsoleAction(deleteEntitlementAction, {
    success: "Entitlement deleted",
    refresh: false,
    onSuccess: () => router.push("/entitlements"),
  });
  return (
    <ConfirmDialog
      trigger={<Button variant="destructive">Delete</Button>}
      title={`Delete “${name}”?`}
      description="Refused while anyone holds it: end its assignments first. The audit trail keeps its history."
      confirmLabel="Delete entitlement"
      confirmationText={name}
      onConfirm={async () => {
        await remove.runOrThrow({ entitlementId });
      }}
    />
  );
}
