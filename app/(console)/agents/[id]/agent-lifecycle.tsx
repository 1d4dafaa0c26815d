"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { ReasonDialog } from "@/components/ui/reason-dialog";
import { toast } from "@/components/ui/toast";
import type { ActionResult } from "@/app/_server/action-result";
import { approveInteractiveClientAction, reactivateAgentAction, retireAgentAction, rotateAgentSecretAction, suspendAgentAction } from "../actions";
import { SecretDialog } from "../secret-dialog";

/** Throws on failure so ConfirmDialog stays open; the toast says why. */
function settle<T>(result: ActionResult<T>, success: string): T {
  if (!result.ok) {
    toast.error(result.error.message);
    throw new Error(result.error.message);
  }
  toast.success(success);
  return result.data;
}

export function AgentLifecycle({
  agent,
}: {
  agent: { id: string; name: string; clientId: string; status: "pending" | "active" | "suspended" | "retired"; usesSecret: boolean };
}) {
  const router = useRouter();
  const [secret, setSecret] = useState<string | null>(null);
  if (agent.status === "retired") return null;
  const agentId = agent.id;

  return (
    <div className="flex flex-wrap items-center gap-2" data-testid="agent-lifecycle">
      {agent.usesSecret ? (
        <ConfirmDialog
          trigger={<Button variant="outline">Rotate secret</Button>}
          title="Rotate the client secret?"
          description="The current secret stops working at once. The new one is shown once."
          confirmLabel="Rotate"
          onConfirm={async () => setSecret(settle(await rotateAgentSecretAction({ agentId }), "Secret rotated").clientSecret)}
        />
      ) : null}
      {agent.status === "pending" ? (
        <ConfirmDialog
          trigger={<Button data-testid="approve-client">Approve</Button>}
          title={`Approve ${agent.name}?`}
          description="People can then sign in through it, for what its entitlements and theirs both allow. Grant it entitlements on this page."
          confirmLabel="Approve"
          onConfirm={async () => {
            settle(await approveInteractiveClientAction({ agentId }), "Client approved");
            router.refresh();
          }}
        />
      ) : agent.status === "active" ? (
        <ReasonDialog
          trigger={<Button variant="outline">Suspend</Button>}
          title={`Suspend ${agent.name}?`}
          description="Its live sessions are revoked now and it can get no new tokens until reactivated. Its assignments are kept."
          confirmLabel="Suspend"
          onConfirm={async (reason) => {
            const result = await suspendAgentAction({ agentId, reason });
            if (!result.ok) return result.error.fieldErrors?.reason?.[0] ?? result.error.message;
            toast.success("Agent suspended");
            router.refresh();
            return null;
          }}
        />
      ) : (
        <ConfirmDialog
          trigger={<Button variant="outline">Reactivate</Button>}
          title={`Reactivate ${agent.name}?`}
          description="It can get tokens again, for the access its assignments grant."
          confirmLabel="Reactivate"
          onConfirm={async () => {
            settle(await reactivateAgentAction({ agentId }), "Agent reactivated");
            router.refresh();
          }}
        />
      )}
      <ReasonDialog
        trigger={agent.status === "pending" ? <Button variant="destructive">Reject</Button> : <Button variant="destructive">Retire</Button>}
        title={`Retire ${agent.name}?`}
        description="Retiring is final: its credentials are dropped and every live assignment ends with this reason. History is kept."
        confirmLabel="Retire agent"
        onConfirm={async (reason) => {
          const result = await retireAgentAction({ agentId, reason });
          if (!result.ok) return result.error.fieldErrors?.reason?.[0] ?? result.error.message;
          toast.success(`Retired; ${result.data.endedAssignmentIds.length} assignment(s) ended`);
          router.refresh();
          return null;
        }}
      />
      <SecretDialog clientId={agent.clientId} secret={secret} onClose={() => setSecret(null)} />
    </div>
  );
}
