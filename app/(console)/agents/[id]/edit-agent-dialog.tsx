"use client";

import { useState } from "react";
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
import { Combobox } from "@/components/ui/combobox";
import { Textarea } from "@/components/ui/textarea";
import { GRANT_TYPE_LABELS, GRANT_TYPES_BY_KIND, type GrantType } from "@/lib/agents/grant-types";
import { personOptions, type PersonOption } from "@/lib/people/person-option";
import { updateAgentAction } from "../actions";

export interface EditableAgent {
  id: string;
  kind: "autonomous" | "delegated" | "interactive";
  ownerId: string | null;
  purpose: string | null;
  allowedGrantTypes: string[];
  maxTokenLifetimeSeconds: number;
}

/** Owner, purpose, grants and token lifetime; kind and authentication are fixed (changing them means a new client). */
export function EditAgentDialog({ agent, people }: { agent: EditableAgent; people: PersonOption[] }) {
  const [open, setOpen] = useState(false);
  const [grants, setGrants] = useState<string[]>(agent.allowedGrantTypes);
  const update = useConsoleAction(updateAgentAction, { success: "Agent saved", onSuccess: () => setOpen(false) });
  const { pending, error, fieldErrors: errors } = update;

  function submit(form: FormData) {
    const text = (name: string) => String(form.get(name) ?? "");
    void update.run({
      agentId: agent.id,
      // Only a changed owner is sent: the domain checks a new owner is active, an unchanged one is left alone.
      ownerId: text("ownerId") && text("ownerId") !== agent.ownerId ? text("ownerId") : undefined,
      purpose: text("purpose"),
      allowedGrantTypes: grants as GrantType[],
      maxTokenLifetimeSeconds: Number(text("maxTokenLifetimeSeconds")),
    });
  }

  return (
    <Dialog open={open} onOpenChange={(next) => !pending && setOpen(next)}>
      <DialogTrigger asChild>
        <Button variant="outline">Edit</Button>
      </DialogTrigger>
      <DialogContent className="sm:max-w-xl">
        <DialogHeader>
          <DialogTitle>Edit agent</DialogTitle>
          <DialogDescription>
            Changes are recorded in the audit trail with their before and after values.
          </DialogDescription>
        </DialogHeader>
        <form action={submit} className="grid gap-4" noValidate>
          {error && !error.fieldErrors ? (
            <p role="alert" className="text-sm text-destructive">
              {error.message}
            </p>
          ) : null}
          <FormField label="Owner" required error={errors.ownerId}>
            <Combobox
              name="ownerId"
              defaultValue={agent.ownerId ?? ""}
              options={
                // A deactivated owner is not in the list; keep them selectable so saving other fields does not silently reassign.
                agent.ownerId && !people.some((p) => p.id === agent.ownerId)
                  ? [{ value: agent.ownerId, label: "Current owner (deactivated)" }, ...personOptions(people)]
                  : personOptions(people)
              }
              placeholder="Choose a person…"
              searchPlaceholder="Search people by name or email…"
            />
          </FormField>
          <FormField label="Purpose" required error={errors.purpose}>
            <Textarea name="purpose" defaultValue={agent.purpose ?? ""} maxLength={1000} />
          </FormField>
          <fieldset className="grid gap-2">
            <legend className="mb-1 text-sm font-medium">Allowed grant types</legend>
            {GRANT_TYPES_BY_KIND[agent.kind].map((g) => (
              <label key={g} className="flex items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  checked={grants.includes(g)}
                  onChange={(e) => setGrants((prev) => (e.target.checked ? [...prev, g] : prev.filter((x) => x !== g)))}
                />
                {GRANT_TYPE_LABELS[g]}
              </label>
            ))}
            {errors.allowedGrantTypes ? (
              <p className="text-xs font-medium text-destructive">{errors.allowedGrantTypes}</p>
            ) : null}
          </fieldset>
          <FormField
            label="Maximum token lifetime (seconds)"
            error={errors.maxTokenLifetimeSeconds}
            description="60 to 3600."
          >
            <Input
              name="maxTokenLifetimeSeconds"
              type="number"
              min={60}
              max={3600}
              defaultValue={agent.maxTokenLifetimeSeconds}
            />
          </FormField>
          <DialogFooter>
            <Button type="button" variant="outline" onClick={() => setOpen(false)} disabled={pending}>
              Cancel
            </Button>
            <Button type="submit" disabled={pending}>
              {pending ? "Saving…" : "Save"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
