"use client";

import { Ban, RefreshCw } from "lucide-react";
import { useConsoleAction } from "@/components/console/use-console-action";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { revokeKey, rotateKey } from "./actions";
import type { ApiKeyRow } from "./api-key-row";
import type { RevealedSecret } from "./secret-dialog";

/** Rotate and revoke for an active key; both confirm first, since callers using the key break at once. */
export function KeyActions({ apiKey, onRotated }: { apiKey: ApiKeyRow; onRotated: (secret: RevealedSecret) => void }) {
  const rotate = useConsoleAction(rotateKey, { refresh: false });
  const revoke = useConsoleAction(revokeKey, { success: `Revoked ${apiKey.name}`, refresh: false });
  if (apiKey.status !== "active") return null;
  return (
    <div className="flex justify-end gap-0.5">
      <ConfirmDialog
        title={`Rotate ${apiKey.name}?`}
        description="A new secret replaces this one, with the same name, role and expiry. The current secret stops working as soon as you confirm: update whatever uses it."
        confirmLabel="Rotate secret"
        onConfirm={async () => {
          const { key } = await rotate.runOrThrow({ id: apiKey.id });
          onRotated({ name: apiKey.name, key, kind: "rotated" });
        }}
        trigger={
          <Button variant="ghost" size="icon" className="size-8" title="Rotate the secret" data-testid="rotate-api-key">
            <RefreshCw aria-hidden />
            <span className="sr-only">Rotate {apiKey.name}</span>
          </Button>
        }
      />
      <ConfirmDialog
        title={`Revoke ${apiKey.name}?`}
        description="The key stops working as soon as you confirm, and cannot be restored. Its history stays in the audit trail."
        confirmLabel="Revoke key"
        onConfirm={async () => {
          await revoke.runOrThrow({ id: apiKey.id });
        }}
        trigger={
          <Button
            variant="ghost"
            size="icon"
            className="size-8 text-destructive hover:text-destructive"
            title="Revoke the key"
            data-testid="revoke-api-key"
          >
            <Ban aria-hidden />
            <span className="sr-only">Revoke {apiKey.name}</span>
          </Button>
        }
      />
    </div>
  );
}
