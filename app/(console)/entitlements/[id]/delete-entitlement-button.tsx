"use client";

import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { toast } from "@/components/ui/toast";
import { deleteEntitlementAction } from "../actions";

export function DeleteEntitlementButton({ entitlementId, name }: { entitlementId: string; name: string }) {
  const router = useRouter();
  return (
    <ConfirmDialog
      trigger={<Button variant="destructive">Delete</Button>}
      title={`Delete “${name}”?`}
      description="Refused while anyone holds it: end its assignments first. The audit trail keeps its history."
      confirmLabel="Delete entitlement"
      confirmationText={name}
      onConfirm={async () => {
        const result = await deleteEntitlementAction({ entitlementId });
        if (!result.ok) {
          toast.error(result.error.message);
          throw new Error(result.error.message);
        }
        toast.success("Entitlement deleted");
        router.push("/entitlements");
      }}
    />
  );
}
