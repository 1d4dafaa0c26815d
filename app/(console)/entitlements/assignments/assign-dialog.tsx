"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { toast } from "@/components/ui/toast";
import type { PrincipalType } from "@/lib/assignments/assignment-schemas";
import type { EntitlementOption } from "@/lib/entitlements/entitlement-options";
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
        // datetime-local is the person's wall-clock time; the browser knows their zone, the server does not.
        expiresAt: expiresAt ? new Date(expiresAt).toISOString() : undefined,
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
          className="grid gap-4"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          {generalError ? (
            <p role="alert" className="rounded-md border border-destructive/30 bg-destructive/10 px-3 py-2 text-sm text-destructive">
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
          <FormField label="Expires" error={first(error, "expiresAt")} description="Optional, in your local time. Leave empty for no end date.">
            <Input type="datetime-local" value={expiresAt} onChange={(e) => setExpiresAt(e.target.value)} />
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
