"use client";

import { useId, useState, useTransition, type ReactNode } from "react";
import { Button } from "./button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "./dialog";
import { Label } from "./label";
import { Textarea } from "./textarea";

export type ReasonDialogProps = {
  trigger: ReactNode;
  title: string;
  description: ReactNode;
  confirmLabel: string;
  reasonLabel?: string;
  /** Shortest acceptable reason, so "x" does not pass for an explanation in the audit trail. */
  minLength?: number;
  /**
   * Returns an error message to show in the dialog (which then stays open), or
   * null on success (the dialog closes).
   */
  onConfirm: (reason: string) => Promise<string | null>;
};

/** A ConfirmDialog that also asks why: for acts that end access, whose reason goes into the audit trail. */
export function ReasonDialog({
  trigger,
  title,
  description,
  confirmLabel,
  reasonLabel = "Reason",
  minLength = 3,
  onConfirm,
}: ReasonDialogProps) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const id = useId();
  const ready = reason.trim().length >= minLength;

  function handleOpenChange(next: boolean) {
    if (pending) return;
    setOpen(next);
    if (!next) {
      setReason("");
      setError(null);
    }
  }

  function confirm() {
    if (!ready) return;
    startTransition(async () => {
      const failure = await onConfirm(reason.trim());
      if (failure) setError(failure);
      else handleOpenChange(false);
    });
  }

  return (
    <Dialog open={open} onOpenChange={handleOpenChange}>
      <DialogTrigger asChild>{trigger}</DialogTrigger>
      <DialogContent data-slot="reason-dialog" role="alertdialog">
        <DialogHeader>
          <DialogTitle>{title}</DialogTitle>
          <DialogDescription>{description}</DialogDescription>
        </DialogHeader>
        <div className="grid gap-2">
          <Label htmlFor={id}>{reasonLabel}</Label>
          <Textarea
            id={id}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : undefined}
          />
          {error ? (
            <p id={`${id}-error`} className="text-xs font-medium text-destructive">
              {error}
            </p>
          ) : null}
        </div>
        <DialogFooter>
          <Button variant="outline" onClick={() => handleOpenChange(false)} disabled={pending}>
            Cancel
          </Button>
          <Button variant="destructive" onClick={confirm} disabled={!ready || pending} aria-busy={pending}>
            {pending ? "Working…" : confirmLabel}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
