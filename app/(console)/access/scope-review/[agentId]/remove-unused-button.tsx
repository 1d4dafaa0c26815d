"use client";

import { Scissors } from "lucide-react";
import { errorMessageOf, useConsoleAction } from "@/components/console/use-console-action";
import { Button } from "@/components/ui/button";
import { ReasonDialog } from "@/components/ui/reason-dialog";
import { removeUnusedAccess } from "../actions";

export interface UnusedGrant {
  assignmentId: string;
  entitlementName: string;
  unusedToolNames: string[];
  /** None of its tools was used: the assignment ends rather than narrows. */
  endsAssignment: boolean;
}

const SESSIONS_NOTE =
  "Live sessions of the agent holding a removed tool are revoked at once; it mints again with what remains.";

/**
 * Ends or narrows one assignment — or, given several, all of them at once — to what the agent really used,
 * after the person says why (the reason goes into the audit trail beside the 90-day rule).
 */
export function RemoveUnusedButton({
  grants,
  label = "Remove unused access",
}: {
  grants: UnusedGrant[];
  label?: string;
}) {
  const single = grants.length === 1 ? grants[0]! : null;
  const remove = useConsoleAction(removeUnusedAccess, {
    success: (data) => {
      const names = data.flatMap((r) => r.removedTools.map((t) => t.toolName)).join(", ");
      const ended = data.filter((r) => r.outcome === "ended").length;
      return single
        ? ended
          ? `Assignment ended (${names}).`
          : `Removed ${names}.`
        : `Removed ${names} from ${data.length} assignments.`;
    },
  });
  const toolCount = grants.reduce((n, g) => n + g.unusedToolNames.length, 0);
  return (
    <ReasonDialog
      trigger={
        <Button variant="outline" size="sm" data-testid={single ? "remove-unused" : "remove-all-unused"}>
          <Scissors aria-hidden /> {label}
        </Button>
      }
      title={
        single
          ? single.endsAssignment
            ? `End “${single.entitlementName}”?`
            : `Narrow “${single.entitlementName}”?`
          : `Remove unused access from ${grants.length} assignments?`
      }
      description={
        single
          ? single.endsAssignment
            ? `None of its ${single.unusedToolNames.length} tools was called in 90 days, so the assignment ends. ${SESSIONS_NOTE}`
            : `Removes ${single.unusedToolNames.length} tools unused for 90 days (${single.unusedToolNames.join(", ")}); the tools it used stay granted. ${SESSIONS_NOTE}`
          : `Removes ${toolCount} tools unused for 90 days across ${grants.map((g) => g.entitlementName).join(", ")}; assignments with no used tool end. ${SESSIONS_NOTE}`
      }
      confirmLabel={
        single
          ? single.endsAssignment
            ? "End assignment"
            : "Remove unused tools"
          : `Remove from ${grants.length} assignments`
      }
      onConfirm={async (reason) => {
        const result = await remove.run({ assignmentIds: grants.map((g) => g.assignmentId), reason });
        return result.ok ? null : errorMessageOf(result.error, "reason");
      }}
    />
  );
}
