"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { toast } from "@/components/ui/toast";
import type { ServerTool } from "@/lib/servers/get-server";
import { updateToolAction } from "../actions";

/** Risk and scope of one tool; the risk was only suggested from the server's own annotations. */
export function EditToolDialog({ tool }: { tool: ServerTool }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [pending, startTransition] = useTransition();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const risk = String(form.get("risk")) as ServerTool["risk"];
    const scope = String(form.get("scope") ?? "");
    startTransition(async () => {
      const result = await updateToolAction({ toolId: tool.id, risk, scope });
      if (result.ok) {
        toast.success(`Saved ${tool.name}`);
        setOpen(false);
        router.refresh();
      } else {
        setErrors(result.error.fieldErrors ?? { _form: [result.error.message] });
      }
    });
  }

  return (
    <Dialog open={open} onOpenChange={(next) => { setOpen(next); if (!next) setErrors({}); }}>
      <DialogTrigger asChild>
        <Button size="sm" variant="ghost" aria-label={`Edit ${tool.name}`}>
          Edit
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Edit {tool.name}</DialogTitle>
          <DialogDescription>The scope is what entitlements grant and tokens carry; the risk drives reviews and session filters.</DialogDescription>
        </DialogHeader>
        <form onSubmit={submit} className="grid gap-4" noValidate>
          {errors._form ? <p className="text-sm text-destructive">{errors._form[0]}</p> : null}
          <FormField label="Risk" error={errors.risk?.[0]}>
            <Select name="risk" defaultValue={tool.risk}>
              <option value="read">Read</option>
              <option value="write">Write</option>
              <option value="destructive">Destructive</option>
            </Select>
          </FormField>
          <FormField label="Scope" error={errors.scope?.[0]}>
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
