"use client";

import { Trash2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useConsoleAction } from "@/components/console/use-console-action";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { deleteServerAction } from "../actions";

export function DeleteServerButton({ server }: { server: { id: string; name: string; toolCount: number } }) {
  const router = useRouter();
  const remove = useConsoleAction(deleteServerAction, {
    success: (data) => `Deleted ${data.name}`,
    onSuccess: () => router.push("/servers"),
  });
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
        await remove.runOrThrow({ id: server.id, confirmName: server.name });
      }}
    />
  );
}
