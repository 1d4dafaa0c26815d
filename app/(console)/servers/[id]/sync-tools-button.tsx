"use client";

import { RefreshCw } from "lucide-react";
import { useState } from "react";
import { useConsoleAction } from "@/components/console/use-console-action";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import type { ToolSyncResult } from "@/lib/servers/sync-tools";
import { syncToolsAction } from "../actions";

/** Reads the server's tool list over MCP now and shows what changed. */
export function SyncToolsButton({ serverId }: { serverId: string }) {
  const [result, setResult] = useState<ToolSyncResult | null>(null);
  const syncing = useConsoleAction(syncToolsAction, { toastErrors: true, onSuccess: setResult });
  const { pending } = syncing;
  const sync = () => void syncing.run({ id: serverId });

  return (
    <>
      <Button onClick={sync} disabled={pending} aria-busy={pending} data-testid="sync-tools">
        <RefreshCw className={pending ? "animate-spin" : undefined} aria-hidden />
        {pending ? "Syncing…" : "Sync tools"}
      </Button>
      <Dialog
        open={result !== null}
        onOpenChange={(open) => {
          if (!open) setResult(null);
        }}
      >
        <DialogContent data-testid="sync-result">
          <DialogHeader>
            <DialogTitle>Tools synced</DialogTitle>
            <DialogDescription>
              {result && result.added.length + result.changed.length + result.removed.length === 0
                ? `No changes: the server lists the same ${result.unchanged.length} tools.`
                : "New tools are pending until approved; an approved tool whose definition changed waits for re-approval."}
            </DialogDescription>
          </DialogHeader>
          {result ? (
            <dl className="grid gap-3 text-sm">
              <DiffLine label="Added" testId="sync-added" names={result.added} />
              <DiffLine
                label="Changed"
                testId="sync-changed"
                names={result.changed.map(
                  (c) =>
                    `${c.name}${c.statusBefore === "approved" && c.statusAfter === "pending" ? " (definition changed — pending re-approval)" : c.schemaChanged ? " (input schema changed)" : ""}`,
                )}
              />
              <DiffLine label="Removed" testId="sync-removed" names={result.removed} />
              <div className="flex gap-2">
                <dt className="w-20 shrink-0 text-muted-foreground">Unchanged</dt>
                <dd data-testid="sync-unchanged" className="tabular-nums">
                  {result.unchanged.length}
                </dd>
              </div>
            </dl>
          ) : null}
          <DialogFooter>
            <Button onClick={() => setResult(null)}>Done</Button>
          </DialogFooter>
        </DialogContent>
      </Dialog>
    </>
  );
}

function DiffLine({ label, names, testId }: { label: string; names: string[]; testId: string }) {
  return (
    <div className="flex gap-2">
      <dt className="w-20 shrink-0 text-muted-foreground">
        {label} <span className="tabular-nums">({names.length})</span>
      </dt>
      <dd data-testid={testId} className="font-mono text-xs leading-5 break-all">
        {names.length ? names.join(", ") : "—"}
      </dd>
    </div>
  );
}
