"use client";

import { Check, Copy, TriangleAlert } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { toast } from "@/components/ui/toast";

export interface RevealedSecret {
  name: string;
  key: string;
  /** "created" or "rotated": only the wording differs. */
  kind: "created" | "rotated";
}

/**
 * Shows a new API key's secret, once. Mandate keeps only its hash, so closing
 * this dialog is the last chance to copy it; the secret is dropped from memory then.
 */
export function SecretDialog({ secret, onClose }: { secret: RevealedSecret | null; onClose: () => void }) {
  const [copied, setCopied] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => setCopied(false), [secret]);

  async function copy() {
    if (!secret) return;
    try {
      await navigator.clipboard.writeText(secret.key);
      setCopied(true);
      toast.success("API key copied to the clipboard");
    } catch {
      // Clipboard access can be refused (permissions, non-secure context): select it for a manual copy.
      inputRef.current?.select();
      toast.error("Could not copy automatically: the key is selected, press Ctrl+C (⌘C) to copy it");
    }
  }

  return (
    <Dialog open={secret !== null} onOpenChange={(open) => (open ? undefined : onClose())}>
      <DialogContent data-testid="api-key-secret-dialog" onInteractOutside={(event) => event.preventDefault()}>
        <DialogHeader>
          <DialogTitle>
            {secret?.kind === "rotated" ? "New secret for" : "API key created:"} {secret?.name}
          </DialogTitle>
          <DialogDescription>Send it as a bearer token: Authorization: Bearer &lt;key&gt;.</DialogDescription>
        </DialogHeader>
        <div
          role="alert"
          className="flex gap-3 rounded-lg border border-warning/30 bg-warning/15 p-3 text-sm text-warning-foreground dark:text-warning"
        >
          <TriangleAlert className="mt-0.5 size-4 shrink-0" aria-hidden />
          <p>
            <span className="font-semibold">Copy this key now. It will not be shown again.</span> Mandate stores only a
            hash of it; if it is lost, rotate the key to get a new one.
            {secret?.kind === "rotated" ? " The previous secret has stopped working." : ""}
          </p>
        </div>
        <div className="grid gap-2">
          <Label htmlFor="api-key-secret">API key</Label>
          <div className="flex gap-2">
            <Input
              ref={inputRef}
              id="api-key-secret"
              readOnly
              value={secret?.key ?? ""}
              onFocus={(event) => event.currentTarget.select()}
              className="font-mono text-xs"
              spellCheck={false}
              autoComplete="off"
              data-testid="api-key-secret"
            />
            <Button variant="outline" onClick={copy} data-testid="copy-api-key">
              {copied ? <Check aria-hidden /> : <Copy aria-hidden />}
              {copied ? "Copied" : "Copy"}
            </Button>
          </div>
        </div>
        <DialogFooter>
          <Button onClick={onClose} data-testid="close-secret-dialog">
            I have copied the key
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
