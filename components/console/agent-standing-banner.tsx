import { Ban } from "lucide-react";
import type { InactiveStanding } from "@/lib/agents/agent-standing";
import { DateTime } from "./date-time";

/**
 * Shown wherever an agent's access is shown while it is suspended or retired: it reaches nothing (the token
 * service refuses it and its sessions were revoked), whatever grants are listed below.
 */
export function AgentStandingBanner({
  standing,
  agentName,
  heldTools,
}: {
  standing: InactiveStanding;
  agentName: string;
  heldTools: number;
}) {
  const suspended = standing.status === "suspended";
  return (
    <div
      role="status"
      data-testid="agent-standing"
      className="grid gap-1 rounded-lg border border-destructive/40 bg-destructive/5 p-3 text-sm"
    >
      <p className="flex flex-wrap items-center gap-x-2 font-semibold">
        <Ban aria-hidden className="size-4 text-destructive" />
        {agentName} is {standing.status}
        {standing.since ? (
          <span className="font-normal">
            since <DateTime iso={standing.since.toISOString()} />
          </span>
        ) : null}
        {standing.by ? <span className="font-normal">by {standing.by}</span> : null}
      </p>
      {standing.reason ? <p>Reason: {standing.reason}</p> : null}
      <p className="text-muted-foreground">
        It reaches no tools now: token requests are refused and its live sessions were revoked.
        {suspended
          ? heldTools > 0
            ? ` The ${heldTools} tool${heldTools === 1 ? "" : "s"} listed are held, not reachable: they return if it is reactivated.`
            : ""
          : heldTools > 0
            ? ` The ${heldTools} tool${heldTools === 1 ? "" : "s"} listed are grants left behind, not reachable.`
            : ""}
      </p>
    </div>
  );
}
