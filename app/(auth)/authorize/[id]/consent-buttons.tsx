"use client";

import { useConsoleAction } from "@/components/console/use-console-action";
import { Button } from "@/components/ui/button";
import { continueAuthorization, declineAuthorization } from "../actions";

// Either answer sends the browser away, so nothing on this page is refreshed.
const goToClient = {
  refresh: false,
  onSuccess: (data: { redirectTo: string }) => window.location.assign(data.redirectTo),
};

/** Continue or cancel; on either, the browser goes back to the client (its redirect URI). */
export function ConsentButtons({ id, clientName }: { id: string; clientName: string }) {
  const accept = useConsoleAction(continueAuthorization, goToClient);
  const decline = useConsoleAction(declineAuthorization, goToClient);
  const pending = accept.pending || decline.pending;
  const error = accept.error ?? decline.error;
  // One message at a time: the answer given last is the one whose failure shows.
  const answer = (chosen: typeof accept, other: typeof accept) => {
    other.reset();
    void chosen.run(id);
  };
  return (
    <div className="mt-6 grid gap-3">
      {error ? (
        <p
          role="alert"
          data-testid="consent-error"
          className="rounded-md border border-destructive/30 bg-destructive/10 px-3 py-2 text-sm text-destructive"
        >
          {error.message}
        </p>
      ) : null}
      <Button type="button" disabled={pending} onClick={() => answer(accept, decline)} data-testid="consent-continue">
        {pending ? "Working…" : `Continue to ${clientName}`}
      </Button>
      <Button
        type="button"
        variant="outline"
        disabled={pending}
        onClick={() => answer(decline, accept)}
        data-testid="consent-cancel"
      >
        Cancel
      </Button>
    </div>
  );
}
