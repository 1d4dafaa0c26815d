"use client";

import { useState } from "react";
import { errorMessageOf, useConsoleAction } from "@/components/console/use-console-action";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { setAuditRetentionAction } from "./audit-retention-actions";

/** Days to keep audit events; empty keeps them all. The retention job runs every few hours. */
export function AuditRetentionForm({ retentionDays, canManage }: { retentionDays: number | null; canManage: boolean }) {
  const [value, setValue] = useState(retentionDays === null ? "" : String(retentionDays));
  const [typingError, setTypingError] = useState<string | null>(null);
  const retention = useConsoleAction(setAuditRetentionAction, {
    success: (_, input) =>
      input.retentionDays === null
        ? "Audit events are kept forever"
        : `Audit events are kept for ${input.retentionDays} days`,
    refresh: false,
  });
  const { pending } = retention;
  const error = typingError ?? (retention.error ? errorMessageOf(retention.error, "retentionDays") : null);

  function save(e: React.FormEvent) {
    e.preventDefault();
    const trimmed = value.trim();
    const days = trimmed === "" ? null : Number(trimmed);
    if (days !== null && !Number.isInteger(days)) {
      setTypingError("Whole days, or empty to keep every event");
      return;
    }
    setTypingError(null);
    void retention.run({ retentionDays: days });
  }

  return (
    <form onSubmit={save} className="grid gap-2" data-testid="audit-retention-form">
      <Label htmlFor="audit-retention-days">Keep audit events for (days)</Label>
      <div className="flex gap-2">
        <Input
          id="audit-retention-days"
          inputMode="numeric"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          placeholder="forever"
          disabled={!canManage || pending}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "audit-retention-error" : undefined}
          className="max-w-40"
        />
        {canManage ? (
          <Button type="submit" disabled={pending} data-testid="audit-retention-save">
            {pending ? "Saving…" : "Save"}
          </Button>
        ) : null}
      </div>
      {error ? (
        <p id="audit-retention-error" className="text-sm text-destructive">
          {error}
        </p>
      ) : null}
    </form>
  );
}
