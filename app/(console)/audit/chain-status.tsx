"use client";

import { ShieldAlert, ShieldCheck, ShieldQuestion } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { useConsoleAction } from "@/components/console/use-console-action";
import { Button } from "@/components/ui/button";
import { verifyAuditChainAction } from "./actions";

type Report = Extract<Awaited<ReturnType<typeof verifyAuditChainAction>>, { ok: true }>["data"];

const PROBLEM: Record<string, string> = {
  hash_mismatch: "edited (its hash does not match its content)",
  prev_hash_mismatch: "out of order or replaced (it does not link to its predecessor)",
  sequence_gap: "missing events before it",
  unanchored_start: "the chain's start was removed without a retention record",
};

/**
 * Tamper evidence on demand: verifying recomputes every hash (seconds per
 * million events), so it runs when asked rather than on every page view.
 */
export function ChainStatus() {
  const [report, setReport] = useState<Report | null>(null);
  const verification = useConsoleAction(verifyAuditChainAction, {
    refresh: false,
    toastErrors: true,
    onSuccess: setReport,
  });
  const pending = verification.pending;
  const verify = () => void verification.run({});

  const broken = report?.perStream.filter((s) => s.firstBroken) ?? [];
  return (
    <div className="grid gap-2 rounded-xl border bg-card p-4 text-sm shadow-xs" data-testid="audit-chain-status">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="flex items-center gap-2">
          {!report ? (
            <ShieldQuestion className="size-4 text-muted-foreground" aria-hidden />
          ) : broken.length === 0 ? (
            <ShieldCheck className="size-4 text-success" aria-hidden />
          ) : (
            <ShieldAlert className="size-4 text-destructive" aria-hidden />
          )}
          <span data-testid="audit-chain-summary" aria-live="polite">
            {!report
              ? "Hash chain not verified in this view yet."
              : broken.length === 0
                ? `Chain intact: ${report.eventsChecked.toLocaleString("en-US")} events in ${report.streams} streams verified.`
                : `Chain broken in ${broken.length} of ${report.perStream.length} streams.`}
          </span>
        </div>
        <Button size="sm" variant="outline" onClick={verify} disabled={pending} data-testid="audit-chain-verify">
          {pending ? "Verifying…" : "Verify chain"}
        </Button>
      </div>
      {broken.length > 0 ? (
        <ul className="grid gap-1" data-testid="audit-chain-broken">
          {broken.map((s) => (
            <li key={s.stream} className="text-destructive">
              Stream <span className="font-mono">{s.stream}</span>: first broken link at #{s.firstBroken!.seq} —{" "}
              <Link href={`/audit/events/${s.firstBroken!.eventId}`} className="underline">
                event {s.firstBroken!.eventId.slice(-12)}
              </Link>{" "}
              is {PROBLEM[s.firstBroken!.problem] ?? s.firstBroken!.problem}.
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
