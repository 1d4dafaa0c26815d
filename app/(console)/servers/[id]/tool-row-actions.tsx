"use client";

import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { Button } from "@/components/ui/button";
import { toast } from "@/components/ui/toast";
import type { ServerTool } from "@/lib/servers/get-server";
import { rejectToolAction } from "../actions";
import { ApproveToolDialog } from "./approve-tool-dialog";
import { DefinitionChangeDialog } from "./definition-change-dialog";
import { EditToolDialog } from "./edit-tool-dialog";

/** Approve / reject / edit, offered only where the transition is allowed (the server checks again). */
export function ToolRowActions({ tool }: { tool: ServerTool }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();

  function decide(kind: "reject") {
    startTransition(async () => {
      const result = await rejectToolAction({ toolId: tool.id });
      if (result.ok) {
        toast.success(`Rejected ${tool.name}`);
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
        <ApproveToolDialog tool={tool} />
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
