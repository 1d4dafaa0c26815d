"use client";

import { Plus } from "lucide-react";
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
import { Select } from "@/components/ui/select";
import { toast } from "@/components/ui/toast";
import { CONSOLE_ROLES, ROLE_DESCRIPTIONS, ROLE_LABELS, type ConsoleRole } from "@/lib/auth/permissions";
import { createKey } from "./actions";
import type { RevealedSecret } from "./secret-dialog";

const DEFAULT_EXPIRY_DAYS = "90";

/** The create form; on success it closes and hands the one-time secret to the caller. */
export function CreateKeyDialog({ onCreated }: { onCreated: (secret: RevealedSecret) => void }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const [role, setRole] = useState<ConsoleRole>("auditor");
  const [days, setDays] = useState(DEFAULT_EXPIRY_DAYS);
  const [noExpiry, setNoExpiry] = useState(false);
  // The list is not refreshed here: the caller shows the secret first, then brings the list up to date.
  const create = useConsoleAction(createKey, {
    refresh: false,
    onSuccess: (data, input) => {
      const created = { name: input.name.trim(), key: data.key, kind: "created" as const };
      setOpen(false);
      reset();
      onCreated(created);
    },
  });
  const { pending, fieldErrors: errors } = create;

  function reset() {
    setName("");
    setRole("auditor");
    setDays(DEFAULT_EXPIRY_DAYS);
    setNoExpiry(false);
    create.reset();
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (pending) return;
        setOpen(next);
        if (!next) reset();
      }}
    >
      <DialogTrigger asChild>
        <Button data-testid="create-api-key">
          <Plus aria-hidden />
          Create API key
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Create an API key</DialogTitle>
          <DialogDescription>
            A key acts with one console role in the JSON API (/api/v1). Give it the least role that does the job, and an
            expiry. You hold it: it can do no more than your own roles allow, and it is revoked when you leave or lose
            that role.
          </DialogDescription>
        </DialogHeader>
        <form
          id="create-api-key-form"
          className="grid gap-4"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            // A refusal is toasted even when it names a field, beside the field's own message.
            void create.run({ name, role, expiresInDays: noExpiry ? null : days }).then((result) => {
              if (!result.ok) toast.error(result.error.message);
            });
          }}
        >
          <FormField
            label="Name"
            required
            error={errors.name}
            description="Who or what uses it, e.g. “Terraform pipeline”."
          >
            <Input
              value={name}
              onChange={(event) => setName(event.target.value)}
              maxLength={80}
              autoComplete="off"
              data-testid="api-key-name"
            />
          </FormField>
          <FormField label="Role" required error={errors.role} description={ROLE_DESCRIPTIONS[role]}>
            <Select
              value={role}
              onChange={(event) => setRole(event.target.value as ConsoleRole)}
              data-testid="api-key-role"
            >
              {CONSOLE_ROLES.map((r) => (
                <option key={r} value={r}>
                  {ROLE_LABELS[r]}
                </option>
              ))}
            </Select>
          </FormField>
          <div className="grid gap-2">
            <FormField label="Expires after (days)" error={errors.expiresInDays} description="Between 1 and 365 days.">
              <Input
                type="number"
                inputMode="numeric"
                min={1}
                max={365}
                value={noExpiry ? "" : days}
                disabled={noExpiry}
                onChange={(event) => setDays(event.target.value)}
                data-testid="api-key-expiry"
              />
            </FormField>
            <label className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                checked={noExpiry}
                onChange={(event) => setNoExpiry(event.target.checked)}
                className="size-4 accent-primary"
              />
              Never expires (not recommended: rotate it by hand)
            </label>
          </div>
        </form>
        <DialogFooter>
          <Button variant="outline" onClick={() => setOpen(false)} disabled={pending}>
            Cancel
          </Button>
          <Button
            type="submit"
            form="create-api-key-form"
            disabled={pending}
            aria-busy={pending}
            data-testid="submit-api-key"
          >
            {pending ? "Creating…" : "Create key"}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
