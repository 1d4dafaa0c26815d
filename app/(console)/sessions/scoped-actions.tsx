"use client";

import { OctagonX, PowerOff, ShieldOff } from "lucide-react";
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
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { ReasonDialog } from "@/components/ui/reason-dialog";
import { Textarea } from "@/components/ui/textarea";
import { emergencyRevokeServerAction, killAgentAction, revokeSessionsOfAction } from "./actions";

const SESSIONS = [["sessions"]] as const;

const plural = (n: number) => `${n} session${n === 1 ? "" : "s"}`;

/** "Revoke all" for the agent, person or server the list is filtered to. */
export function RevokeAllOf({ of, id, name }: { of: "agent" | "user" | "server"; id: string; name: string }) {
  const revoke = useConsoleAction(revokeSessionsOfAction, {
    success: (data) => `${plural(data.revoked.length)} revoked`,
    invalidate: SESSIONS,
  });
  const what = of === "agent" ? `of agent ${name}` : of === "user" ? `on behalf of ${name}` : `on ${name}`;
  return (
    <ReasonDialog
      title={`Revoke every live session ${what}?`}
      description="Each of them and all their tokens stop working at once, at the gateway and at introspection."
      confirmLabel="Revoke all"
      onConfirm={async (reason) => {
        const input =
          of === "agent"
            ? { of, agentId: id, reason }
            : of === "user"
              ? { of, userId: id, reason }
              : { of, serverId: id, reason };
        const result = await revoke.run(input);
        return result.ok ? null : errorMessageOf(result.error, "reason");
      }}
      trigger={
        <Button variant="outline" size="sm" data-testid={`revoke-all-${of}`}>
          <ShieldOff className="size-3.5" aria-hidden /> Revoke all {what}
        </Button>
      }
    />
  );
}

/** The kill switch: suspend the agent (no new tokens) and revoke all its sessions. */
export function KillAgentButton({ agentId, name }: { agentId: string; name: string }) {
  const kill = useConsoleAction(killAgentAction, {
    success: (data) => `${name} suspended; ${plural(data.revoked.length)} revoked`,
    invalidate: SESSIONS,
  });
  return (
    <ReasonDialog
      title={`Suspend ${name} and revoke all its sessions?`}
      description="The token service refuses this agent from now on, and every live session it holds ends at once. An admin can reactivate it later."
      confirmLabel="Suspend agent"
      onConfirm={async (reason) => {
        const result = await kill.run({ agentId, reason });
        return result.ok ? null : errorMessageOf(result.error, "reason");
      }}
      trigger={
        <Button variant="destructive" size="sm" data-testid="kill-agent">
          <PowerOff className="size-3.5" aria-hidden /> Suspend agent
        </Button>
      }
    />
  );
}

/** "Revoke everything on this server": a reason and the server's name typed out. */
export function EmergencyRevokeServer({ serverId, name }: { serverId: string; name: string }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [typed, setTyped] = useState("");
  const revoke = useConsoleAction(emergencyRevokeServerAction, {
    success: (data) => `${plural(data.revoked.length)} on ${name} revoked`,
    invalidate: SESSIONS,
  });
  const pending = revoke.pending;
  const error = revoke.error
    ? (revoke.fieldErrors.confirmName ?? revoke.fieldErrors.reason ?? revoke.error.message)
    : null;
  const id = useId();
  const ready = reason.trim().length >= 3 && typed === name;

  function change(next: boolean) {
    if (pending) return;
    setOpen(next);
    if (!next) {
      setReason("");
      setTyped("");
      revoke.reset();
    }
  }

  return (
    <Dialog open={open} onOpenChange={change}>
      <DialogTrigger asChild>
        <Button variant="destructive" size="sm" data-testid="emergency-revoke">
          <OctagonX className="size-3.5" aria-hidden /> Emergency: revoke everything on {name}
        </Button>
      </DialogTrigger>
      <DialogContent role="alertdialog">
        <DialogHeader>
          <DialogTitle>Revoke everything on {name}?</DialogTitle>
          <DialogDescription>
            Every live session of every agent on this server ends now, with all their tokens. Agents must obtain new
            tokens to continue.
          </DialogDescription>
        </DialogHeader>
        <form
          className="grid gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            if (!ready) return;
            void revoke.run({ serverId, confirmName: typed, reason: reason.trim() }).then((result) => {
              if (result.ok) {
                setOpen(false);
                setReason("");
                setTyped("");
              }
            });
          }}
        >
          <div className="grid gap-2">
            <Label htmlFor={`${id}-reason`}>Reason</Label>
            <Textarea id={`${id}-reason`} value={reason} onChange={(e) => setReason(e.target.value)} />
          </div>
          <div className="grid gap-2">
            <Label htmlFor={`${id}-name`} className="font-normal text-muted-foreground">
              Type <span className="font-mono font-semibold text-foreground">{name}</span> to confirm
            </Label>
            <Input
              id={`${id}-name`}
              autoComplete="off"
              spellCheck={false}
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
            />
          </div>
          {error ? <p className="text-xs font-medium text-destructive">{error}</p> : null}
          <DialogFooter>
            <Button type="button" variant="outline" onClick={() => change(false)} disabled={pending}>
              Cancel
            </Button>
            <Button type="submit" variant="destructive" disabled={!ready || pending} aria-busy={pending}>
              {pending ? "Working…" : "Revoke everything"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
