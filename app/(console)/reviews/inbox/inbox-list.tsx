"use client";

import type { ComboboxOption } from "@/components/ui/combobox";
import { Check, Lightbulb, Scissors, Undo2, UserRoundPen, X } from "lucide-react";
import { useRouter } from "next/navigation";
import { useId, useRef, useState, useTransition } from "react";
import { StatusBadge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useFocusFirstError } from "@/components/ui/form-field";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { Textarea } from "@/components/ui/textarea";
import { toast } from "@/components/ui/toast";
import { DateTime } from "@/components/console/date-time";
import { RiskBadge, type Risk } from "@/components/console/risk-badge";
import type { DecideInput } from "@/lib/reviews/campaign-schemas";
import { decideItemsAction, resetDecisionsAction } from "../actions";
import { ReassignDialog } from "../reassign-dialog";

export interface InboxEntry {
  id: string;
  campaignName: string;
  micro: boolean;
  dueAt: string;
  level: number;
  risk: Risk;
  subject: string;
  subjectType: "agent" | "user" | "group";
  subjectDetail: string | null;
  agentOwner: string | null;
  entitlement: string;
  server: string;
  grantedBy: string | null;
  grantedAt: string;
  expiresAt: string | null;
  justification: string;
  lastUsedAt: string | null;
  tools: { toolId: string; name: string; risk: Risk; calls30: number; calls90: number }[];
  used30: number;
  used90: number;
  peers: { count: number; sample: string[] };
  reassignNote: string | null;
  firstDecision: { status: string; justification: string | null } | null;
  holderStanding: { status: "suspended" | "retired"; since: string | null; reason: string | null } | null;
  recommendation: { decision: "certify" | "reduce" | "revoke"; reason: string } | null;
  decision: { status: string; justification: string | null; decidedAt: string | null } | null;
}

type Option = ComboboxOption;

/** Sends a decision; a rubber-stamp warning asks the reviewer before sending again with the acknowledgement. */
function useDecide() {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [warning, setWarning] = useState<{ message: string; input: DecideInput } | null>(null);
  // A refusal about the justification is shown next to it (InboxCard), not in a toast.
  const [justificationError, setJustificationError] = useState<{ message: string } | null>(null);
  const send = (input: DecideInput, onDone?: () => void) =>
    startTransition(async () => {
      const r = await decideItemsAction(input);
      const fieldError = r.ok ? undefined : r.error.fieldErrors?.justification?.[0];
      setJustificationError(fieldError ? { message: fieldError } : null);
      if (!r.ok) {
        if (!fieldError) toast.error(r.error.message);
        return;
      }
      if (r.data.needsConfirmation) {
        setWarning({ message: r.data.warning ?? "", input });
        return;
      }
      setWarning(null);
      toast.success(
        `${r.data.decided} decided${r.data.toSecondLevel ? ` (${r.data.toSecondLevel} sent to the second-level reviewer)` : ""}${r.data.rubberStamp ? " — flagged for audit" : ""}`,
      );
      onDone?.();
      router.refresh();
    });
  return { pending, send, warning, clearWarning: () => setWarning(null), justificationError };
}

export function InboxList({ entries, reviewers }: { entries: InboxEntry[]; reviewers: Option[] }) {
  const [selected, setSelected] = useState<string[]>([]);
  const [bulkWhy, setBulkWhy] = useState("");
  const { pending, send, warning, clearWarning, justificationError: bulkError } = useDecide();
  const bulkBar = useRef<HTMLDivElement>(null);
  useFocusFirstError(bulkBar, bulkError);
  const toggle = (id: string) => setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]));
  const allSelected = selected.length === entries.length;
  return (
    <div className="grid gap-4">
      <div
        className="sticky top-[calc(var(--console-top-bar-height)+0.5rem)] z-20 flex flex-wrap items-center gap-2 rounded-md border bg-card p-3 shadow-xs"
        data-testid="bulk-bar"
        ref={bulkBar}
      >
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            checked={allSelected}
            onChange={() => setSelected(allSelected ? [] : entries.map((e) => e.id))}
            aria-label="Select all on this page"
          />
          {selected.length} selected
        </label>
        <input
          className="h-8 min-w-64 flex-1 rounded-md border border-input bg-card px-2 text-sm"
          placeholder="Justification for the selected items"
          aria-label="Bulk justification"
          aria-invalid={bulkError ? true : undefined}
          aria-describedby={bulkError ? "bulk-justification-error" : undefined}
          value={bulkWhy}
          onChange={(e) => setBulkWhy(e.target.value)}
        />
        <Button
          size="sm"
          disabled={pending || selected.length === 0}
          data-testid="bulk-certify"
          onClick={() =>
            send({ itemIds: selected, decision: "certify", justification: bulkWhy }, () => setSelected([]))
          }
        >
          <Check aria-hidden /> Certify selected
        </Button>
        <ConfirmDialog
          trigger={
            <Button
              size="sm"
              variant="destructive"
              disabled={pending || selected.length === 0}
              data-testid="bulk-revoke"
            >
              <X aria-hidden /> Revoke selected
            </Button>
          }
          title={`Revoke ${selected.length} grant${selected.length === 1 ? "" : "s"}?`}
          description="The access is removed, and live sessions using it are revoked, when the campaign closes. Until then you can take the decisions back."
          confirmLabel={`Revoke ${selected.length}`}
          onConfirm={() =>
            send({ itemIds: selected, decision: "revoke", justification: bulkWhy }, () => setSelected([]))
          }
        />
        {bulkError ? (
          <p
            id="bulk-justification-error"
            className="basis-full text-xs font-medium text-destructive"
            data-testid="bulk-justification-error"
          >
            {bulkError.message}
          </p>
        ) : null}
        {selected.length > 0 ? (
          <ReassignDialog
            itemIds={selected}
            reviewers={reviewers}
            trigger={
              <Button size="sm" variant="outline">
                Reassign selected
              </Button>
            }
          />
        ) : null}
      </div>
      {warning ? (
        <div
          role="alert"
          data-testid="rubber-stamp-warning"
          className="grid gap-2 rounded-md border border-warning/40 bg-warning/10 p-3 text-sm"
        >
          <p>{warning.message}</p>
          <div className="flex gap-2">
            <Button
              size="sm"
              data-testid="rubber-stamp-confirm"
              disabled={pending}
              onClick={() => send({ ...warning.input, acknowledgeRubberStamp: true }, () => setSelected([]))}
            >
              I reviewed each one — certify
            </Button>
            <Button size="sm" variant="ghost" onClick={clearWarning}>
              Go back
            </Button>
          </div>
        </div>
      ) : null}
      {entries.map((e) => (
        <InboxCard
          key={e.id}
          entry={e}
          selected={selected.includes(e.id)}
          onToggle={() => toggle(e.id)}
          reviewers={reviewers}
        />
      ))}
    </div>
  );
}

function InboxCard({
  entry: e,
  selected,
  onToggle,
  reviewers,
}: {
  entry: InboxEntry;
  selected: boolean;
  onToggle: () => void;
  reviewers: Option[];
}) {
  const [why, setWhy] = useState("");
  const { pending, send, justificationError } = useDecide();
  const highRisk = e.risk === "destructive";
  const errorId = `${useId()}-justification-error`;
  const decision = useRef<HTMLDivElement>(null);
  useFocusFirstError(decision, justificationError);
  return (
    <section
      aria-label={`${e.subject} — ${e.entitlement}`}
      data-testid="inbox-item"
      className="grid gap-3 rounded-lg border bg-card p-4"
    >
      <div className="flex flex-wrap items-start justify-between gap-2">
        <label className="flex items-start gap-3">
          <input
            type="checkbox"
            className="mt-1"
            checked={selected}
            onChange={onToggle}
            aria-label={`Select ${e.subject} — ${e.entitlement}`}
          />
          <span className="grid">
            <span className="font-medium">
              {e.subject}{" "}
              <span className="text-xs font-normal text-muted-foreground">
                ({e.subjectType}
                {e.subjectDetail ? ` · ${e.subjectDetail}` : ""})
              </span>
              {e.holderStanding ? (
                <span className="ml-2 align-middle" data-testid="holder-standing">
                  <StatusBadge variant="danger">{e.holderStanding.status}</StatusBadge>
                </span>
              ) : null}
            </span>
            <span className="text-sm">
              {e.entitlement} on {e.server}
            </span>
          </span>
        </label>
        <div className="flex items-center gap-2 text-xs text-muted-foreground">
          <RiskBadge risk={e.risk} />
          <span>{e.micro ? "Micro-certification" : e.campaignName}</span>· due <DateTime iso={e.dueAt} dateOnly />
          {e.level === 2 ? <span className="font-medium text-foreground">Second level</span> : null}
        </div>
      </div>
      {e.holderStanding ? (
        <p className="text-sm text-destructive" data-testid="holder-standing-note">
          This agent is {e.holderStanding.status}
          {e.holderStanding.since ? (
            <>
              {" "}
              since <DateTime iso={e.holderStanding.since} dateOnly />
            </>
          ) : null}
          {e.holderStanding.reason ? ` (${e.holderStanding.reason})` : ""}: it reaches nothing now, whatever is decided
          here.
        </p>
      ) : null}
      <dl className="grid gap-x-6 gap-y-1 text-sm sm:grid-cols-2">
        <div>
          <dt className="inline text-muted-foreground">Granted by </dt>
          <dd className="inline" data-testid="granted-by">
            {e.grantedBy ?? "unknown"}
          </dd>{" "}
          on <DateTime iso={e.grantedAt} dateOnly />
          {e.expiresAt ? (
            <>
              {" "}
              · expires <DateTime iso={e.expiresAt} dateOnly />
            </>
          ) : null}
        </div>
        <div>
          <dt className="inline text-muted-foreground">Justification: </dt>
          <dd className="inline">{e.justification}</dd>
        </div>
        <div>
          <dt className="inline text-muted-foreground">Use: </dt>
          <dd className="inline" data-testid="usage">
            {e.subjectType === "group"
              ? "not tracked for groups"
              : `${e.used30} of ${e.tools.length} tools used in 30 days, ${e.used90} in 90 days · last use `}
            {e.subjectType === "group" ? null : e.lastUsedAt ? <DateTime iso={e.lastUsedAt} dateOnly /> : "never"}
          </dd>
        </div>
        <div>
          <dt className="inline text-muted-foreground">Peers with the same access: </dt>
          <dd className="inline" data-testid="peers">
            {e.peers.count}
            {e.peers.sample.length
              ? ` (${e.peers.sample.join(", ")}${e.peers.count > e.peers.sample.length ? ", …" : ""})`
              : ""}
          </dd>
        </div>
        {e.agentOwner ? (
          <div>
            <dt className="inline text-muted-foreground">Agent owner: </dt>
            <dd className="inline">{e.agentOwner}</dd>
          </div>
        ) : null}
      </dl>
      <ul className="flex flex-wrap gap-1.5" aria-label="Tools granted">
        {e.tools.map((t) => (
          <li
            key={t.toolId}
            className="inline-flex items-center gap-1.5 rounded-md border px-2 py-1 text-xs"
            data-testid="inbox-tool"
          >
            <span className="font-medium">{t.name}</span>
            <RiskBadge risk={t.risk} />
            <span className="tabular-nums">
              {t.calls90 === 0 ? "unused" : `${t.calls30}/${t.calls90} calls (30/90d)`}
            </span>
          </li>
        ))}
      </ul>
      {e.recommendation ? (
        <p className="flex items-center gap-1.5 text-sm" data-testid="recommendation">
          <Lightbulb aria-hidden className="size-4 text-muted-foreground" />
          Recommended: <strong>{e.recommendation.decision}</strong> — {e.recommendation.reason}
        </p>
      ) : null}
      {e.reassignNote ? (
        <p className="text-sm" data-testid="reassign-note">
          Note: {e.reassignNote}
        </p>
      ) : null}
      {e.firstDecision ? (
        <p className="text-sm" data-testid="first-decision">
          First-level decision: <strong>{e.firstDecision.status}</strong>
          {e.firstDecision.justification ? ` — ${e.firstDecision.justification}` : ""}
        </p>
      ) : null}
      <div className="flex flex-wrap items-end gap-2" ref={decision}>
        <Textarea
          className="min-h-9 flex-1"
          rows={1}
          aria-label={`Justification for ${e.subject} — ${e.entitlement}`}
          placeholder={highRisk ? "Justification (required to certify high-risk access)" : "Justification (optional)"}
          aria-invalid={justificationError ? true : undefined}
          aria-describedby={justificationError ? errorId : undefined}
          value={why}
          onChange={(ev) => setWhy(ev.target.value)}
        />
        {justificationError ? (
          <p
            id={errorId}
            className="order-last basis-full text-xs font-medium text-destructive"
            data-testid="justification-error"
          >
            {justificationError.message}
          </p>
        ) : null}
        <Button
          size="sm"
          disabled={pending}
          data-testid="certify"
          onClick={() => send({ itemIds: [e.id], decision: "certify", justification: why })}
        >
          <Check aria-hidden /> Certify
        </Button>
        <ReduceDialog entry={e} justification={why} />
        <ConfirmDialog
          trigger={
            <Button size="sm" variant="destructive" disabled={pending} data-testid="revoke">
              <X aria-hidden /> Revoke
            </Button>
          }
          title={`Revoke “${e.entitlement}” from ${e.subject}?`}
          description={`${e.subject} loses ${e.tools.length} tool${e.tools.length === 1 ? "" : "s"} on ${e.server} when the campaign closes${e.micro ? " (a micro-certification closes now: at once)" : "; until then you can take the decision back"}. Live sessions using them are revoked.`}
          confirmLabel="Revoke"
          onConfirm={() => send({ itemIds: [e.id], decision: "revoke", justification: why })}
        />
        <ReassignDialog
          itemIds={[e.id]}
          reviewers={reviewers}
          trigger={
            <Button size="sm" variant="ghost" data-testid="reassign">
              <UserRoundPen aria-hidden /> Reassign
            </Button>
          }
        />
      </div>
    </section>
  );
}

function ReduceDialog({ entry: e, justification }: { entry: InboxEntry; justification: string }) {
  const [open, setOpen] = useState(false);
  const [kept, setKept] = useState<string[]>(() => e.tools.filter((t) => t.calls90 > 0).map((t) => t.toolId));
  const { pending, send } = useDecide();
  if (e.tools.length < 2) return null;
  return (
    <Dialog open={open} onOpenChange={(o) => !pending && setOpen(o)}>
      <DialogTrigger asChild>
        <Button size="sm" variant="outline" data-testid="reduce">
          <Scissors aria-hidden /> Reduce…
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Keep part of “{e.entitlement}”</DialogTitle>
          <DialogDescription>
            Tick the tools {e.subject} keeps; the others are removed from this grant when the campaign closes.
          </DialogDescription>
        </DialogHeader>
        <fieldset className="grid gap-2" data-testid="reduce-tools">
          {e.tools.map((t) => (
            <label key={t.toolId} className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                checked={kept.includes(t.toolId)}
                onChange={() =>
                  setKept((k) => (k.includes(t.toolId) ? k.filter((x) => x !== t.toolId) : [...k, t.toolId]))
                }
              />
              {t.name} <RiskBadge risk={t.risk} />{" "}
              <span className="text-xs text-muted-foreground">{t.calls90} calls in 90 days</span>
            </label>
          ))}
        </fieldset>
        <DialogFooter>
          <Button
            disabled={pending || kept.length === 0 || kept.length === e.tools.length}
            data-testid="confirm-reduce"
            onClick={() =>
              send({ itemIds: [e.id], decision: "reduce", keptToolIds: kept, justification }, () => setOpen(false))
            }
          >
            Keep {kept.length} of {e.tools.length}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

const decisionVariant: Record<string, "success" | "warning" | "danger" | "neutral"> = {
  certified: "success",
  reduced: "warning",
  revoked: "danger",
};

/** The reviewer's decided items in open campaigns, each with its decision and an undo. */
export function DecidedList({ entries }: { entries: InboxEntry[] }) {
  return (
    <ul className="grid gap-2">
      {entries.map((e) => (
        <DecidedCard key={e.id} entry={e} />
      ))}
    </ul>
  );
}

function DecidedCard({ entry: e }: { entry: InboxEntry }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const undo = () =>
    startTransition(async () => {
      const r = await resetDecisionsAction({ itemIds: [e.id] });
      if (!r.ok) {
        toast.error(r.error.message);
        return;
      }
      toast.success(`Decision on ${e.subject} — ${e.entitlement} taken back: pending again.`);
      router.refresh();
    });
  return (
    <li
      aria-label={`${e.subject} — ${e.entitlement}`}
      data-testid="decided-item"
      className="flex flex-wrap items-center justify-between gap-3 rounded-lg border bg-card p-3"
    >
      <div className="grid min-w-0 gap-0.5">
        <span className="font-medium">
          {e.subject}{" "}
          <span className="text-sm font-normal">
            · {e.entitlement} on {e.server}
          </span>
        </span>
        <span className="flex flex-wrap items-center gap-2 text-xs text-muted-foreground">
          <span data-testid="decided-status">
            <StatusBadge variant={decisionVariant[e.decision?.status ?? ""] ?? "neutral"}>
              {e.decision?.status ?? "decided"}
            </StatusBadge>
          </span>
          {e.decision?.decidedAt ? <DateTime iso={e.decision.decidedAt} /> : null}
          {e.decision?.justification ? <span>— {e.decision.justification}</span> : null}
          <span>
            · {e.micro ? "Micro-certification" : e.campaignName}, due <DateTime iso={e.dueAt} dateOnly />
          </span>
        </span>
      </div>
      <Button size="sm" variant="outline" disabled={pending} data-testid="undo-decision" onClick={undo}>
        <Undo2 aria-hidden /> Undo decision
      </Button>
    </li>
  );
}
