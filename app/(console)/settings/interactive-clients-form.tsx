"use client";

import { useState } from "react";
import { useConsoleAction } from "@/components/console/use-console-action";
import { Button } from "@/components/ui/button";
import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/textarea";
import { setRegistrationPolicyAction } from "./interactive-clients-actions";

/** How unknown interactive clients are admitted: RFC 7591 registration, and who is approved without an admin. */
export function InteractiveClientsForm({
  policy,
  canManage,
}: {
  policy: { dynamicRegistration: boolean; autoApprove: string[] };
  canManage: boolean;
}) {
  const [dcr, setDcr] = useState(policy.dynamicRegistration);
  const [list, setList] = useState(policy.autoApprove.join("\n"));
  const saving = useConsoleAction(setRegistrationPolicyAction, {
    success: "Interactive client settings saved",
    refresh: false,
  });
  const { pending } = saving;
  const error = saving.error ? (Object.values(saving.fieldErrors)[0] ?? saving.error.message) : null;

  function save(e: React.FormEvent) {
    e.preventDefault();
    const autoApprove = list
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
    void saving.run({ dynamicRegistration: dcr, autoApprove });
  }

  return (
    <form onSubmit={save} className="grid gap-3" data-testid="interactive-clients-form">
      <label className="flex items-start gap-2 text-sm">
        <input
          type="checkbox"
          className="mt-1"
          checked={dcr}
          onChange={(e) => setDcr(e.target.checked)}
          disabled={!canManage || pending}
          data-testid="dcr-toggle"
        />
        <span>
          Dynamic client registration (RFC 7591)
          <span className="block text-xs text-muted-foreground">
            Anyone may then register a client; each still waits for approval unless listed below.
          </span>
        </span>
      </label>
      <div className="grid gap-1">
        <Label htmlFor="auto-approve">
          Approve automatically (one per line: a client id URL, a domain such as acme.example, or name:&lt;client
          name&gt;)
        </Label>
        <Textarea
          id="auto-approve"
          rows={4}
          value={list}
          onChange={(e) => setList(e.target.value)}
          disabled={!canManage || pending}
          data-testid="auto-approve"
        />
      </div>
      {error ? <p className="text-sm text-destructive">{error}</p> : null}
      {canManage ? (
        <Button type="submit" disabled={pending} className="w-fit" data-testid="interactive-clients-save">
          {pending ? "Saving…" : "Save"}
        </Button>
      ) : null}
    </form>
  );
}
