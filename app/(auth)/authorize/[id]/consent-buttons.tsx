"use client";

import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { continueAuthorization, declineAuthorization } from "../actions";

/** Continue or cancel; on either, the browser goes back to the client (its redirect URI). */
export function ConsentButtons({ id, clientName }: { id: string; clientName: string }) {
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const answer = (action: typeof continueAuthorization) =>
    startTransition(async () => {
      const result = await action(id);
      if (result.ok) window.location.assign(result.data.redirectTo);
      else setError(result.error.message);
    });
  return (
    <div className="mt-6 grid gap-3">
      {error ? (
        <p role="alert" data-testid="consent-error" className="rounded-md border border-destructive/30 bg-destructive/10 px-3 py-2 text-sm text-destructive">
          {error}
        </p>
      ) : null}
      <Button type="button" disabled={pending} onClick={() => answer(continueAuthorization)} data-testid="consent-continue">
        {pending ? "Working…" : `Continue to ${clientName}`}
      </Button>
      <Button type="button" variant="outline" disabled={pending} onClick={() => answer(declineAuthorization)} data-testid="consent-cancel">
        Cancel
      </Button>
    </div>
  );
}
