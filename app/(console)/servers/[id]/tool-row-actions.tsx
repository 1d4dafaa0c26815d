"use client";

import { useConsoleAction } from "@/components/console/use-console-action";
import { Button } from "@/components/ui/button";
import type { ServerTool } from "@/lib/servers/get-server";
import { rejectToolAction } from "../actions";
import { ApproveToolDialog } from "./approve-tool-dialog";
import { DefinitionChangeDialog } from "./definition-change-dialog";
import { EditToolDialog } from "./edit-tool-dialog";

/** Approve / reject / edit, offered only where the transition is allowed (the server checks again). */
export function ToolRowActions({ tool }: { tool: ServerTool }) {
  const rejection = useConsoleAction(rejectToolAction, { success: `Rejected ${tool.name}`, toastErrors: true });

  if (tool.status === "removed") return null;
  // A changed definition is decided in its review, where the diff is.
  if (tool.definitionChanged) {
    return (
      <div className="flex justify-end gap-1">
        <DefinitionChangeDialog tool={tool} />
        <EditToolDialog tool={tool} />
      </div>
    );
  }
  return (
    <div className="flex justify-end gap-1">
      {tool.status !== "approved" ? <ApproveToolDialog tool={tool} /> : null}
      {tool.status !== "rejected" ? (
        <Button
          size="sm"
          variant="ghost"
          disabled={rejection.pending}
          onClick={() => void rejection.run({ toolId: tool.id })}
          aria-label={`Reject ${tool.name}`}
        >
          Reject
        </Button>
      ) : null}
      <EditToolDialog tool={tool} />
    </div>
  );
}
