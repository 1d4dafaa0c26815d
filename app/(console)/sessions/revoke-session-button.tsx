"use client";

import { Ban } from "lucide-react";
import { errorMessageOf, useConsoleAction } from "@/components/console/use-console-action";
import { Button } from "@/components/ui/button";
import { ReasonDialog } from "@/components/ui/reason-dialog";
import { revokeSessionsAction } from "./actions";

/** One-click revocation of one session, with the reason the audit trail keeps. */
export function RevokeSessionButton({ sessionId, label }: { sessionId: string; label: string }) {
  const revoke = useConsoleAction(revokeSessionsAction, {
    success: (data) => (data.revoked.length > 0 ? "Session revoked" : "The session had already ended"),
    invalidate: [["sessions"]],
  });
  return (
    <ReasonDialog
      title="Revoke this session?"
      description={`${label}: every token of this session stops working at once, at the gateway and at introspection.`}
      confirmLabel="Revoke session"
      onConfirm={async (reason) => {
        const result = await revoke.run({ sessionIds: [sessionId], reason });
        return result.ok ? null : errorMessageOf(result.error, "reason");
      }}
      trigger={
        <Button variant="outline" size="sm" data-testid={`revoke-${sessionId}`} aria-label={`Revoke session ${label}`}>
          <Ban className="size-3.5" aria-hidden /> Revoke
        </Button>
      }
    />
  );
}
