"use client";

import { TriangleAlert } from "lucide-react";
import { useEffect } from "react";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";

/** A page failed to load (usually the database is unreachable): keep the shell, explain, offer a retry. */
export default function ConsoleError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <EmptyState
      icon={TriangleAlert}
      title="This page could not be loaded"
      description={
        <>
          The console could not read its data. Check that the database is reachable and migrated, then try again.
          {error.digest ? <span className="mt-2 block font-mono text-xs">Reference: {error.digest}</span> : null}
        </>
      }
      action={<Button onClick={reset}>Try again</Button>}
    />
  );
}
