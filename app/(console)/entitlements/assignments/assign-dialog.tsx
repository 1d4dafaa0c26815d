"use client";

import { useRef, useState } from "react";
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
import { FormField, useFocusFirstError } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { toast } from "@/components/ui/toast";
import type { PrincipalType } from "@/lib/assignments/assignment-schemas";
import type { EntitlementOption } from "@/lib/entitlements/entitlement-options";
import { formatDateTime, utcInputToIso } from "@/lib/utils/format";
import { createAssignmentAction } from "./actions";
import { PrincipalPicker } from "./principal-picker";

export type AssignDialogProps =
  /** From an entitlement's page: choose who receives it. */
  | {
      entitlement: { id: string; name: string };
      principal?: undefined;
      entitlements?: undefined;
      triggerLabel?: string;
    }
  /** From an agent's page: choose which entitlement it receives. */
  | {
      principal: { type: PrincipalType; id: string; label: string };
      entitlements: EntitlementOption[];
      entitlement?: undefined;
      triggerLabel?: string;
    };

export function AssignDialog(props: AssignDialogProps) {
  const [open, setOpen] = useState(false);
  const assign = useConsoleAction(createAssignmentAction, {
    onSuccess: (data) => {
      // Toasted here rather than through `success`, so the warnings come before the confirmation.
      for (const w of data.warnings) toast.warning(w);
      toast.success("Access granted");
      setOpen(false);
      reset();
    },
  });
  const { pending, error, fieldErrors } = assign;
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, error);
  const [principalType, setPrincipalType] = useState<PrincipalType>(props.principal?.type ?? "agent");
  const [principalId, setPrincipalId] = useState(props.principal?.id ?? "");
  const [entitlementId, setEntitlementId] = useState(props.entitlement?.id ?? "");
  const [expiresAt, setExpiresAt] = useState("");
  const [justification, setJustification] = useState("");

  function reset() {
    assign.reset();
    setExpiresAt("");
    setJustification("");
    if (!props.principal) setPrincipalId("");
    if (!props.entitlement) setEntitlementId("");
  }

  function submit() {
    void assign.run({
      entitlementId,
      principalType,
      principalId,
      // Typed in UTC, the zone every console time is shown in (lib/utils/format.ts).
      expiresAt: expiresAt ? (utcInputToIso(expiresAt) ?? expiresAt) : undefined,
      justification,
    });
  }

  const generalError = error && !error.fieldErrors ? error.message : null;

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
        <Button data-testid="assign-open">{props.triggerLabel ?? "Assign"}</Button>
      </DialogTrigger>
      <DialogContent className="sm:max-w-xl" data-testid="assign-dialog">
        <DialogHeader>
          <DialogTitle>
            {props.entitlement
              ? `Assign “${props.entitlement.name}”`
              : `Assign an entitlement to ${props.principal.label}`}
          </DialogTitle>
          <DialogDescription>
            Access starts now and lasts until the expiry, or until someone ends it. Nobody can grant themselves.
          </DialogDescription>
        </DialogHeader>
        <form
          ref={formRef}
          className="grid gap-4"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          {generalError ? (
            <p
              role="alert"
              data-slot="form-error"
              tabIndex={-1}
              className="rounded-md border border-destructive/30 bg-destructive/10 px-3 py-2 text-sm text-destructive"
            >
              {generalError}
            </p>
          ) : null}
          {props.principal ? (
            <FormField label="Entitlement" required error={fieldErrors.entitlementId}>
              <Select value={entitlementId} onChange={(e) => setEntitlementId(e.target.value)}>
                <option value="" disabled>
                  Choose an entitlement…
                </option>
                {props.entitlements.map((e) => (
                  <option key={e.id} value={e.id}>
                    {e.name} · {e.serverName}
                  </option>
                ))}
              </Select>
            </FormField>
          ) : (
            <>
              <FormField label="Assign to" required error={fieldErrors.principalType}>
                <Select
                  value={principalType}
                  onChange={(e) => {
                    setPrincipalType(e.target.value as PrincipalType);
                    setPrincipalId("");
                  }}
                >
                  <option value="agent">An agent</option>
                  <option value="user">A person</option>
                  <option value="group">A group</option>
                </Select>
              </FormField>
              <PrincipalPicker
                type={principalType}
                value={principalId}
                onChange={setPrincipalId}
                error={fieldErrors.principalId}
              />
            </>
          )}
          {props.principal && fieldErrors.principalId ? (
            <p className="text-xs font-medium text-destructive">{fieldErrors.principalId}</p>
          ) : null}
          <FormField label="Expires (UTC)" error={fieldErrors.expiresAt} description={<ExpiryHint value={expiresAt} />}>
            <Input
              type="datetime-local"
              value={expiresAt}
              onChange={(e) => setExpiresAt(e.target.value)}
              data-testid="assign-expires"
            />
          </FormField>
          <FormField
            label="Justification"
            required
            error={fieldErrors.justification}
            description="Why this access is needed; reviewers read it."
          >
            <Textarea value={justification} onChange={(e) => setJustification(e.target.value)} maxLength={1000} />
          </FormField>
          <DialogFooter>
            <Button type="button" variant="outline" onClick={() => setOpen(false)} disabled={pending}>
              Cancel
            </Button>
            <Button type="submit" disabled={pending} data-testid="assign-submit">
              {pending ? "Assigning…" : "Assign"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

/** Says the zone the expiry is read in and, once one is typed, what it is on the person's own clock. */
function ExpiryHint({ value }: { value: string }) {
  const iso = value ? utcInputToIso(value) : undefined;
  if (!iso) return <>Optional, in UTC like every time in the console. Leave empty for no end date.</>;
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const local = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", hourCycle: "h23" }).format(
    new Date(iso),
  );
  return (
    <span data-testid="assign-expires-local">
      {formatDateTime(iso)} is {local} your time ({zone}).
    </span>
  );
}
