"use client";

import { useState } from "react";
import { errorMessageOf, useConsoleAction } from "@/components/console/use-console-action";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { ReasonDialog } from "@/components/ui/reason-dialog";
import {
  approveInteractiveClientAction,
  reactivateAgentAction,
  retireAgentAction,
  rotateAgentSecretAction,
  suspendAgentAction,
} from "../actions";
import { SecretDialog } from "../secret-dialog";

export function AgentLifecycle({
  agent,
}: {
  agent: {
    id: string;
    name: string;
    clientId: string;
    status: "pending" | "active" | "suspended" | "retired";
    usesSecret: boolean;
  };
}) {
  const [secret, setSecret] = useState<string | null>(null);
  const rotate = useConsoleAction(rotateAgentSecretAction, { success: "Secret rotated", refresh: false });
  const approve = useConsoleAction(approveInteractiveClientAction, { success: "Client approved" });
  const suspend = useConsoleAction(suspendAgentAction, { success: "Agent suspended" });
  const reactivate = useConsoleAction(reactivateAgentAction, { success: "Agent reactivated" });
  const retire = useConsoleAction(retireAgentAction, {
    success: (data) => `Retired; ${data.endedAssignmentIds.length} assignment(s) ended`,
  });
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
          onConfirm={async () => setSecret((await rotate.runOrThrow({ agentId })).clientSecret)}
        />
      ) : null}
      {agent.status === "pending" ? (
        <ConfirmDialog
          trigger={<Button data-testid="approve-client">Approve</Button>}
          title={`Approve ${agent.name}?`}
          description="People can then sign in through it, for what its entitlements and theirs both allow. Grant it entitlements on this page."
          confirmLabel="Approve"
          onConfirm={async () => {
            await approve.runOrThrow({ agentId });
          }}
        />
      ) : agent.status === "active" ? (
        <ReasonDialog
          trigger={<Button variant="outline">Suspend</Button>}
          title={`Suspend ${agent.name}?`}
          description="Its live sessions are revoked now and it can get no new tokens until reactivated. Its assignments are kept."
          confirmLabel="Suspend"
          onConfirm={async (reason) => {
            const result = await suspend.run({ agentId, reason });
            return result.ok ? null : errorMessageOf(result.error, "reason");
          }}
        />
      ) : (
        <ConfirmDialog
          trigger={<Button variant="outline">Reactivate</Button>}
          title={`Reactivate ${agent.name}?`}
          description="It can get tokens again, for the access its assignments grant."
          confirmLabel="Reactivate"
          onConfirm={async () => {
            await reactivate.runOrThrow({ agentId });
          }}
        />
      )}
      <ReasonDialog
        trigger={
          agent.status === "pending" ? (
            <Button variant="destructive">Reject</Button>
          ) : (
            <Button variant="destructive">Retire</Button>
          )
        }
        title={`Retire ${agent.name}?`}
        description="Retiring is final: its credentials are dropped and every live assignment ends with this reason. History is kept."
        confirmLabel="Retire agent"
        onConfirm={async (reason) => {
          const result = await retire.run({ agentId, reason });
          return result.ok ? null : errorMessageOf(result.error, "reason");
        }}
      />
      <SecretDialog clientId={agent.clientId} secret={secret} onClose={() => setSecret(null)} />
    </div>
  );
}
