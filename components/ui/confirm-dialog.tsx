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
import { Input } from "./input";
import { Label } from "./label";

export type ConfirmDialogProps = {
  /** The element that opens the dialog (usually a destructive Button). */
  trigger: ReactNode;
  title: string;
  description: ReactNode;
  confirmLabel?: string;
  cancelLabel?: string;
  /**
   * When set, the person must type this exact text before confirming: a deliberate
   * speed bump for actions that cut access for many agents at once.
   */
  confirmationText?: string;
  /** May be async; the dialog stays open and shows progress until it settles, and closes only on success. */
  onConfirm: () => void | Promise<void>;
};

export function ConfirmDialog({
  trigger,
  title,
  description,
  confirmLabel = "Confirm",
  cancelLabel = "Cancel",
  confirmationText,
  onConfirm,
}: ConfirmDialogProps) {
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const [pending, startTransition] = useTransition();
  const inputId = useId();
  const confirmed = confirmationText === undefined || typed === confirmationText;

  function handleOpenChange(next: boolean) {
    if (pending) return;
    setOpen(next);
    if (!next) setTyped("");
  }

  function handleConfirm() {
    if (!confirmed) return;
    startTransition(async () => {
      try {
        await onConfirm();
        setOpen(false);
        setTyped("");
      } catch {
        // The caller reports the failure (usually with a toast); the dialog stays open so it can be retried.
      }
    });
  }

  return (
    <Dialog open={open} onOpenChange={handleOpenChange}>
      <DialogTrigger asChild>{trigger}</DialogTrigger>
      <DialogContent data-slot="confirm-dialog" role="alertdialog">
        <DialogHeader>
          <DialogTitle>{title}</DialogTitle>
          <DialogDescription>{description}</DialogDescription>
        </DialogHeader>
        {confirmationText !== undefined ? (
          <form
            className="grid gap-2"
            onSubmit={(event) => {
              event.preventDefault();
              handleConfirm();
            }}
          >
            <Label htmlFor={inputId} className="font-normal text-muted-foreground">
              Type <span className="font-mono font-semibold text-foreground">{confirmationText}</span> to confirm
            </Label>
            <Input
              id={inputId}
              autoComplete="off"
              spellCheck={false}
              value={typed}
              onChange={(event) => setTyped(event.target.value)}
            />
          </form>
        ) : null}
        <DialogFooter>
          <Button variant="outline" onClick={() => handleOpenChange(false)} disabled={pending}>
            {cancelLabel}
          </Button>
          <Button variant="destructive" onClick={handleConfirm} disabled={!confirmed || pending} aria-busy={pending}>
            {pending ? "Working…" : confirmLabel}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
