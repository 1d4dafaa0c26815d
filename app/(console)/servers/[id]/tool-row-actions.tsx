"use client";

import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { Button } from "@/components/ui/button";
import { toast } from "@/components/ui/toast";
import type { ServerTool } from "@/lib/servers/get-server";
import { approveToolAction, rejectToolAction } from "../actions";
import { DefinitionChangeDialog } from "./definition-change-dialog";
import { EditToolDialog } from "./edit-tool-dialog";

/** Approve / reject / edit, offered only where the transition is allowed (the server checks again). */
export function ToolRowActions({ tool }: { tool: ServerTool }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();

  function decide(kind: "approve" | "reject") {
    startTransition(async () => {
      const action = kind === "approve" ? approveToolAction : rejectToolAction;
      const result = await action({ toolId: tool.id, ...(kind === "approve" ? { definitionHash: tool.definitionHash } : {}) });
      if (result.ok) {
        toast.success(kind === "approve" ? `Approved ${tool.name}` : `Rejected ${tool.name}`);
        router.refresh();
      } else {
        toast.error(result.error.message);
      }
    });
  }

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
      {tool.status !== "approved" ? (
        <Button size="sm" variant="outline" disabled={pending} onClick={() => decide("approve")} aria-label={`Approve ${tool.name}`}>
          Approve
        </Button>
      ) : null}
      {tool.status !== "rejected" ? (
        <Button size="sm" variant="ghost" disabled={pending} onClick={() => decide("reject")} aria-label={`Reject ${tool.name}`}>
          Reject
        </Button>
      ) : null}
      <EditToolDialog tool={tool} />
    </div>
  );
}
