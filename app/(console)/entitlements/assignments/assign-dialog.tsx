"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { FormField, useFocusFirstError } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { toast } from "@/components/ui/toast";
import type { PrincipalType } from "@/lib/assignments/assignment-schemas";
import type { EntitlementOption } from "@/lib/entitlements/entitlement-options";
import { formatDateTime, utcInputToIso } from "@/lib/utils/format";
import type { ActionError } from "@/app/_server/action-result";
import { createAssignmentAction } from "./actions";
import { PrincipalPicker } from "./principal-picker";

export type AssignDialogProps =
  /** From an entitlement's page: choose who receives it. */
  | { entitlement: { id: string; name: string }; principal?: undefined; entitlements?: undefined; triggerLabel?: string }
  /** From an agent's page: choose which entitlement it receives. */
  | { principal: { type: PrincipalType; id: string; label: string }; entitlements: EntitlementOption[]; entitlement?: undefined; triggerLabel?: string };

const first = (error: ActionError | null, field: string) => error?.fieldErrors?.[field]?.[0];

export function AssignDialog(props: AssignDialogProps) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<ActionError | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, error);
  const [principalType, setPrincipalType] = useState<PrincipalType>(props.principal?.type ?? "agent");
  const [principalId, setPrincipalId] = useState(props.principal?.id ?? "");
  const [entitlementId, setEntitlementId] = useState(props.entitlement?.id ?? "");
  const [expiresAt, setExpiresAt] = useState("");
  const [justification, setJustification] = useState("");

  function reset() {
    setError(null);
    setExpiresAt("");
    setJustification("");
    if (!props.principal) setPrincipalId("");
    if (!props.entitlement) setEntitlementId("");
  }

  function submit() {
    startTransition(async () => {
      const result = await createAssignmentAction({
        entitlementId,
        principalType,
        principalId,
        // Typed in UTC, the zone every console time is shown in (lib/utils/format.ts).
        expiresAt: expiresAt ? (utcInputToIso(expiresAt) ?? expiresAt) : undefined,
        justification,
      });
      if (!result.ok) {
        setError(result.error);
        return;
      }
      for (const w of result.data.warnings) toast.warning(w);
      toast.success("Access granted");
      setOpen(false);
      reset();
      router.refresh();
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
          <DialogTitle>{props.entitlement ? `Assign “${props.entitlement.name}”` : `Assign an entitlement to ${props.principal.label}`}</DialogTitle>
          <DialogDescription>Access starts now and lasts until the expiry, or until someone ends it. Nobody can grant themselves.</DialogDescription>
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
            <p role="alert" data-slot="form-error" tabIndex={-1} className="rounded-md border border-destructive/30 bg-destructive/10 px-3 py-2 text-sm text-destructive">
              {generalError}
            </p>
          ) : null}
          {props.principal ? (
            <FormField label="Entitlement" required error={first(error, "entitlementId")}>
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
              <FormField label="Assign to" required error={first(error, "principalType")}>
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
              <PrincipalPicker type={principalType} value={principalId} onChange={setPrincipalId} error={first(error, "principalId")} />
            </>
          )}
          {props.principal && first(error, "principalId") ? <p className="text-xs font-medium text-destructive">{first(error, "principalId")}</p> : null}
          <FormField label="Expires (UTC)" error={first(error, "expiresAt")} description={<ExpiryHint value={expiresAt} />}>
            <Input type="datetime-local" value={expiresAt} onChange={(e) => setExpiresAt(e.target.value)} data-testid="assign-expires" />
          </FormField>
          <FormField label="Justification" required error={first(error, "justification")} description="Why this access is needed; reviewers read it.">
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
  const local = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", hourCycle: "h23" }).format(new Date(iso));
  return (
    <span data-testid="assign-expires-local">
      {formatDateTime(iso)} is {local} your time ({zone}).
    </span>
  );
}
