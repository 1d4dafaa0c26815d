"use client";

import { Check, Copy } from "lucide-react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";

/**
 * Shows a client secret the one time it exists in clear. Closing is deliberate
 * (no click-outside, no Escape): once closed, the secret cannot be shown again.
 */
export function SecretDialog({
  clientId,
  secret,
  onClose,
}: {
  clientId: string;
  secret: string | null;
  onClose: () => void;
}) {
  const [copied, setCopied] = useState(false);
  return (
    <Dialog open={secret !== null} onOpenChange={(open) => (open ? undefined : onClose())}>
      <DialogContent
        onInteractOutside={(e) => e.preventDefault()}
        onEscapeKeyDown={(e) => e.preventDefault()}
        data-testid="secret-dialog"
      >
        <DialogHeader>
          <DialogTitle>Copy the client secret now</DialogTitle>
          <DialogDescription>
            This is the only time it is shown. Mandate keeps only a hash; if it is lost, rotate the secret.
          </DialogDescription>
        </DialogHeader>
        <dl className="grid gap-3 text-sm">
          <div className="grid gap-1">
            <dt className="text-muted-foreground">Client ID</dt>
            <dd className="font-mono">{clientId}</dd>
          </div>
          <div className="grid gap-1">
            <dt className="text-muted-foreground">Client secret</dt>
            <dd className="break-all rounded-md border bg-muted px-3 py-2 font-mono" data-testid="client-secret">
              {secret}
            </dd>
          </div>
        </dl>
        <DialogFooter>
          <Button
            variant="outline"
            onClick={async () => {
              if (secret) await navigator.clipboard?.writeText(secret).catch(() => undefined);
              setCopied(true);
            }}
          >
            {copied ? <Check aria-hidden /> : <Copy aria-hidden />}
            {copied ? "Copied" : "Copy"}
          </Button>
          <Button onClick={onClose}>I have stored it</Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
