"use client";

import { useState, type FormEvent } from "react";
import { useConsoleAction } from "@/components/console/use-console-action";
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
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import type { ServerTool } from "@/lib/servers/get-server";
import { updateToolAction } from "../actions";

/** Risk and scope of one tool; the risk was only suggested from the server's own annotations. */
export function EditToolDialog({ tool }: { tool: ServerTool }) {
  const [open, setOpen] = useState(false);
  const save = useConsoleAction(updateToolAction, { success: `Saved ${tool.name}`, onSuccess: () => setOpen(false) });
  const { pending, fieldErrors } = save;
  const formError = save.error && !save.error.fieldErrors ? save.error.message : null;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const risk = String(form.get("risk")) as ServerTool["risk"];
    const scope = String(form.get("scope") ?? "");
    void save.run({ toolId: tool.id, risk, scope });
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) save.reset();
      }}
    >
      <DialogTrigger asChild>
        <Button size="sm" variant="ghost" aria-label={`Edit ${tool.name}`}>
          Edit
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Edit {tool.name}</DialogTitle>
          <DialogDescription>
            The scope is what entitlements grant and tokens carry; the risk drives reviews and session filters.
          </DialogDescription>
        </DialogHeader>
        <form onSubmit={submit} className="grid gap-4" noValidate>
          {formError ? <p className="text-sm text-destructive">{formError}</p> : null}
          <FormField label="Risk" error={fieldErrors.risk}>
            <Select name="risk" defaultValue={tool.risk}>
              <option value="read">Read</option>
              <option value="write">Write</option>
              <option value="destructive">Destructive</option>
            </Select>
          </FormField>
          <FormField label="Scope" error={fieldErrors.scope}>
            <Input name="scope" defaultValue={tool.scope} className="font-mono" autoComplete="off" spellCheck={false} />
          </FormField>
          <DialogFooter>
            <Button variant="outline" onClick={() => setOpen(false)} disabled={pending}>
              Cancel
            </Button>
            <Button type="submit" disabled={pending} aria-busy={pending}>
              {pending ? "Saving…" : "Save"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
