"use client";

import { Trash2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { toast } from "@/components/ui/toast";
import { deleteServerAction } from "../actions";

export function DeleteServerButton({ server }: { server: { id: string; name: string; toolCount: number } }) {
  const router = useRouter();
  return (
    <ConfirmDialog
      trigger={
        <Button variant="outline" data-testid="delete-server">
          <Trash2 aria-hidden />
          Delete
        </Button>
      }
      title={`Delete ${server.name}?`}
      description={`Its ${server.toolCount} tools and their history go with it. Refused while entitlements still grant its tools.`}
      confirmLabel="Delete server"
      confirmationText={server.name}
      onConfirm={async () => {
        const result = await deleteServerAction({ id: server.id, confirmName: server.name });
        if (!result.ok) {
          toast.error(result.error.message);
          // Keeps the dialog open (ConfirmDialog closes only on success).
          throw new Error(result.error.message);
        }
        toast.success(`Deleted ${result.data.name}`);
        router.push("/servers");
        router.refresh();
      }}
    />
  );
}
