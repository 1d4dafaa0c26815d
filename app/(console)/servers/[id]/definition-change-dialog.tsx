"use client";

import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { useConsoleAction } from "@/components/console/use-console-action";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { DateTime } from "@/components/console/date-time";
import type { ServerTool } from "@/lib/servers/get-server";
import { canonicalJson } from "@/lib/servers/canonical-json";
import type { ToolDefinition } from "@/lib/servers/tool-definition";
import { cn } from "@/lib/utils/cn";
import { lineDiff } from "@/lib/utils/line-diff";
import { approveToolAction, rejectToolAction } from "../actions";

/** A definition as lines an admin can compare: title, description, then the input schema as indented JSON. */
function asLines(d: ToolDefinition): { description: string; schema: string } {
  return {
    description: [d.title ? `Title: ${d.title}` : null, d.description ?? "(no description)"].filter(Boolean).join("\n"),
    // Keys sorted at every level: servers and parsers reorder them, and only real changes should show.
    schema: JSON.stringify(JSON.parse(canonicalJson(d.inputSchema ?? null)) as unknown, null, 2),
  };
}

function Diff({ label, before, after, testId }: { label: string; before: string; after: string; testId: string }) {
  const lines = lineDiff(before, after);
  const changed = lines.some((l) => l.kind !== "same");
  return (
    <section className="grid gap-1.5">
      <h3 className="text-sm font-medium">
        {label} <span className="font-normal text-muted-foreground">{changed ? "— changed" : "— unchanged"}</span>
      </h3>
      <pre
        data-testid={testId}
        className="max-h-64 overflow-auto rounded-md border bg-muted/40 p-2 font-mono text-xs leading-5 whitespace-pre-wrap break-all"
      >
        {lines.map((l, i) => (
          <div
            key={i}
            data-diff={l.kind}
            className={cn(
              l.kind === "removed" && "bg-destructive/10 line-through decoration-destructive/60",
              l.kind === "added" && "bg-success/15",
            )}
          >
            <span aria-hidden className="select-none pr-2 text-muted-foreground">
              {l.kind === "removed" ? "−" : l.kind === "added" ? "+" : " "}
            </span>
            <span className="sr-only">{l.kind === "removed" ? "removed: " : l.kind === "added" ? "added: " : ""}</span>
            {l.text}
          </div>
        ))}
      </pre>
    </section>
  );
}

/**
 * "Definition changed — pending re-approval": the approved definition beside
 * the one the server lists now, then re-approve (after confirming the new
 * definition was reviewed) or reject. The approval carries the hash shown
 * here, so a definition that changes again meanwhile is refused, not pinned.
 */
export function DefinitionChangeDialog({ tool }: { tool: ServerTool }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [reviewed, setReviewed] = useState(false);
  const decided = { toastErrors: true, onSuccess: () => setOpen(false) } as const;
  const approval = useConsoleAction(approveToolAction, {
    ...decided,
    success: `Re-approved ${tool.name} with its new definition`,
  });
  const rejection = useConsoleAction(rejectToolAction, { ...decided, success: `Rejected ${tool.name}` });
  const pending = approval.pending || rejection.pending;
  const checkboxId = useId();
  const change = tool.definitionChanged;
  if (!change) return null;
  const before = asLines(change.approvedDefinition);
  const after = asLines(tool.definition);

  function decide(kind: "approve" | "reject") {
    void (async () => {
      const result =
        kind === "approve"
          ? await approval.run({
              toolId: tool.id,
              definitionHash: tool.definitionHash,
              reason: "Re-approved a changed definition after review",
              acknowledgeRisk: true,
            })
          : await rejection.run({ toolId: tool.id, reason: "Rejected a changed definition" });
      // A refusal usually means the definition changed again: show the page as it is now.
      if (!result.ok) router.refresh();
    })();
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (!pending) {
          setOpen(next);
          if (!next) setReviewed(false);
        }
      }}
    >
      <DialogTrigger asChild>
        <Button
          size="sm"
          variant="outline"
          aria-label={`Review the changed definition of ${tool.name}`}
          data-testid={`review-change-${tool.name}`}
        >
          Review change
        </Button>
      </DialogTrigger>
      <DialogContent className="sm:max-w-3xl" data-testid="definition-change">
        <DialogHeader>
          <DialogTitle>{tool.name}: definition changed — pending re-approval</DialogTitle>
          <DialogDescription>
            The server now lists a different description or input schema than the one approved (seen{" "}
            <DateTime iso={change.at} />
            ). Until an admin re-approves it, the gateway hides this tool and refuses calls to it, and no token grants
            it.
          </DialogDescription>
        </DialogHeader>
        <div className="grid gap-4">
          <Diff label="Description" before={before.description} after={after.description} testId="diff-description" />
          <Diff label="Input schema" before={before.schema} after={after.schema} testId="diff-schema" />
          <div className="flex items-start gap-2 rounded-md border p-3">
            <input
              id={checkboxId}
              type="checkbox"
              className="mt-0.5 size-4"
              checked={reviewed}
              onChange={(e) => setReviewed(e.target.checked)}
              data-testid="confirm-reviewed"
            />
            <label htmlFor={checkboxId} className="text-sm">
              I reviewed the new description and input schema; agents holding {tool.name} may call it as it is now
              defined.
            </label>
          </div>
        </div>
        <DialogFooter>
          <Button variant="ghost" disabled={pending} onClick={() => decide("reject")}>
            Reject tool
          </Button>
          <Button disabled={!reviewed || pending} onClick={() => decide("approve")} data-testid="reapprove">
            {pending ? "Saving…" : "Re-approve new definition"}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
