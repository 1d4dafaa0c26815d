"use client";

import { useId, useState, useTransition, type ReactNode } from "react";
import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { Label } from "@/components/ui/label";
import { Combobox, type ComboboxOption } from "@/components/ui/combobox";
import { Textarea } from "@/components/ui/textarea";
import { toast } from "@/components/ui/toast";
import { adminReassignItemsAction, reassignItemsAction } from "./actions";

/** Hand items to another reviewer with a note (the server refuses anyone who would review their own access). */
export function ReassignDialog({
  itemIds,
  reviewers,
  trigger,
  asAdmin = false,
}: {
  itemIds: string[];
  reviewers: ComboboxOption[];
  trigger: ReactNode;
  asAdmin?: boolean;
}) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [reviewerId, setReviewerId] = useState("");
  const [note, setNote] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const id = useId();
  return (
    <Dialog open={open} onOpenChange={(o) => !pending && setOpen(o)}>
      <DialogTrigger asChild>{trigger}</DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Reassign {itemIds.length === 1 ? "this item" : `${itemIds.length} items`}</DialogTitle>
          <DialogDescription>The new reviewer sees your note with the item.</DialogDescription>
        </DialogHeader>
        <div className="grid gap-3">
          <Label htmlFor={`${id}-r`}>New reviewer</Label>
          <Combobox
            id={`${id}-r`}
            value={reviewerId}
            onValueChange={setReviewerId}
            options={reviewers}
            placeholder="Choose a reviewer…"
            searchPlaceholder="Search reviewers by name or email…"
          />
          <Label htmlFor={`${id}-n`}>Note</Label>
          <Textarea id={`${id}-n`} value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} />
          {error ? (
            <p role="alert" className="text-sm text-destructive" data-testid="reassign-error">
              {error}
            </p>
          ) : null}
        </div>
        <DialogFooter>
          <Button
            disabled={pending || !reviewerId || note.trim().length < 3}
            data-testid="confirm-reassign"
            onClick={() =>
              startTransition(async () => {
                const r = await (asAdmin ? adminReassignItemsAction : reassignItemsAction)({
                  itemIds,
                  reviewerId,
                  note,
                });
                if (!r.ok) return setError(r.error.message);
                toast.success(`Reassigned ${r.data.reassigned}`);
                setOpen(false);
                router.refresh();
              })
            }
          >
            Reassign
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
