"use client";

import { ShieldAlert } from "lucide-react";
import { useId, useState } from "react";
import { errorMessageOf, useConsoleAction } from "@/components/console/use-console-action";
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
import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/textarea";
import { RiskBadge } from "@/components/console/risk-badge";
import { HIGH_RISK_APPROVAL_REASON_MIN, isHighRiskApproval } from "@/lib/servers/approval-risk";
import type { ServerTool } from "@/lib/servers/get-server";
import { approveToolAction } from "../actions";

/**
 * Approving makes a tool grantable, so it is confirmed; a destructive or administrative tool needs the admin to
 * tick that they understand what it can do and to say why (the server checks both again).
 */
export function ApproveToolDialog({ tool }: { tool: ServerTool }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [acknowledged, setAcknowledged] = useState(false);
  const approval = useConsoleAction(approveToolAction, {
    success: `Approved ${tool.name}`,
    onSuccess: () => {
      setOpen(false);
      setReason("");
      setAcknowledged(false);
    },
  });
  const { pending } = approval;
  const error = approval.error ? errorMessageOf(approval.error, "reason") : null;
  const id = useId();
  const highRisk = isHighRiskApproval(tool);
  const ready = !highRisk || (acknowledged && reason.trim().length >= HIGH_RISK_APPROVAL_REASON_MIN);

  function onOpenChange(next: boolean) {
    if (pending) return;
    setOpen(next);
    if (!next) {
      setReason("");
      setAcknowledged(false);
      approval.reset();
    }
  }

  function approve() {
    void approval.run({
      toolId: tool.id,
      definitionHash: tool.definitionHash,
      reason: reason.trim() || undefined,
      ...(highRisk ? { acknowledgeRisk: acknowledged } : {}),
    });
  }

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button size="sm" variant="outline" aria-label={`Approve ${tool.name}`}>
          Approve
        </Button>
      </DialogTrigger>
      <DialogContent role="alertdialog" data-testid="approve-tool-dialog">
        <DialogHeader>
          <DialogTitle className="flex items-center gap-2">
            {highRisk ? <ShieldAlert aria-hidden className="size-5 text-destructive" /> : null}
            Approve {tool.name}?
          </DialogTitle>
          <DialogDescription>
            Once approved, entitlements can grant it and tokens can carry its scope{" "}
            <span className="font-mono">{tool.scope}</span>.
          </DialogDescription>
        </DialogHeader>
        <div className="flex items-center gap-2 text-sm">
          Risk: <RiskBadge risk={tool.risk} />
        </div>
        {highRisk ? (
          <p
            className="rounded-md border border-destructive/40 bg-destructive/5 p-3 text-sm"
            data-testid="high-risk-warning"
          >
            {tool.risk === "destructive"
              ? "This tool is marked destructive: it can change or delete data others rely on."
              : `Its scope ${tool.scope} is administrative.`}{" "}
            Approve it only if agents need it, and grant it narrowly.
          </p>
        ) : null}
        <div className="grid gap-2">
          <Label htmlFor={`${id}-reason`}>{highRisk ? "Why should it be grantable?" : "Reason (optional)"}</Label>
          <Textarea
            id={`${id}-reason`}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : undefined}
          />
          {highRisk ? (
            <label className="flex items-start gap-2 text-sm">
              <input
                type="checkbox"
                className="mt-1"
                checked={acknowledged}
                onChange={(e) => setAcknowledged(e.target.checked)}
              />
              I understand what {tool.name} can do and mean to make it grantable.
            </label>
          ) : null}
          {error ? (
            <p id={`${id}-error`} role="alert" className="text-xs font-medium text-destructive">
              {error}
            </p>
          ) : null}
        </div>
        <DialogFooter>
          <Button variant="outline" onClick={() => onOpenChange(false)} disabled={pending}>
            Cancel
          </Button>
          <Button
            variant={highRisk ? "destructive" : "default"}
            onClick={approve}
            disabled={!ready || pending}
            aria-busy={pending}
            data-testid="confirm-approve"
          >
            {pending ? "Working…" : highRisk ? "Approve high-risk tool" : "Approve"}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
