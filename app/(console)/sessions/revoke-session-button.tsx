"use client";

import { useQueryClient } from "@tanstack/react-query";
import { Ban } from "lucide-react";
import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import { ReasonDialog } from "@/components/ui/reason-dialog";
import { toast } from "@/components/ui/toast";
import { revokeSessionsAction } from "./actions";

/** One-click revocation of one session, with the reason the audit trail keeps. */
export function RevokeSessionButton({ sessionId, label }: { sessionId: string; label: string }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  return (
    <ReasonDialog
      title="Revoke this session?"
      description={`${label}: every token of this session stops working at once, at the gateway and at introspection.`}
      confirmLabel="Revoke session"
      onConfirm={async (reason) => {
        const result = await revokeSessionsAction({ sessionIds: [sessionId], reason });
        if (!result.ok) return result.error.fieldErrors?.reason?.[0] ?? result.error.message;
        toast.success(result.data.revoked.length > 0 ? "Session revoked" : "The session had already ended");
        await queryClient.invalidateQueries({ queryKey: ["sessions"] });
        router.refresh();
        return null;
      }}
      trigger={
        <Button variant="outline" size="sm" data-testid={`revoke-${sessionId}`} aria-label={`Revoke session ${label}`}>
          <Ban className="size-3.5" aria-hidden /> Revoke
        </Button>
      }
    />
  );
}
