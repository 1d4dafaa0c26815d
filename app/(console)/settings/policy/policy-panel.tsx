"use client";

import { Download, Upload } from "lucide-react";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { useConsoleAction } from "@/components/console/use-console-action";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/textarea";
import { toast } from "@/components/ui/toast";
import type { IssuedCredential, Plan, PolicyIssue } from "@/lib/policy/plan-types";
import { applyPolicyAction, planPolicyAction } from "./actions";
import { PlanView, PolicyIssues } from "./plan-view";

type Outcome = { kind: "plan"; plan: Plan } | { kind: "issues"; issues: PolicyIssue[] } | null;

/** Export, then paste or upload → Plan → Apply (confirmed). A plan is tied to the exact text it was made from. */
export function PolicyPanel({ exported, canApply }: { exported: string; canApply: boolean }) {
  const router = useRouter();
  const editorId = useId();
  const [yaml, setYaml] = useState("");
  const [prune, setPrune] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [plannedFor, setPlannedFor] = useState<string | null>(null);
  const [credentials, setCredentials] = useState<IssuedCredential[]>([]);
  // Planning writes nothing: nothing to refresh.
  const planner = useConsoleAction(planPolicyAction, {
    refresh: false,
    onSuccess: (data, input) => {
      setCredentials([]);
      setOutcome(data.ok ? { kind: "plan", plan: data.plan } : { kind: "issues", issues: data.issues });
      setPlannedFor(data.ok ? `${input.prune}:${input.yaml}` : null);
    },
  });
  const planning = planner.pending;
  // Refreshed only when the file was applied: a file refused with issues changed nothing.
  const applier = useConsoleAction(applyPolicyAction, {
    refresh: false,
    onSuccess: (data) => {
      if (!data.ok) {
        setOutcome({ kind: "issues", issues: data.issues });
        setPlannedFor(null);
        return;
      }
      toast.success(data.applied ? `Applied ${data.plan.changes.length} change(s)` : "Nothing to apply");
      setCredentials(data.credentials);
      setOutcome(null);
      setPlannedFor(null);
      router.refresh();
    },
  });

  const edit = (text: string) => {
    setYaml(text);
    setOutcome(null);
    setPlannedFor(null);
  };

  // The editor has no inline error: a refusal, even of the YAML field, is a toast.
  const plan = () =>
    void planner.run({ yaml, prune }).then((result) => {
      if (!result.ok) toast.error(result.error.fieldErrors?.yaml?.[0] ?? result.error.message);
    });

  const apply = async () => {
    await applier.runOrThrow({ yaml, prune });
  };

  const planned = outcome?.kind === "plan" && plannedFor === `${prune}:${yaml}`;
  const changeCount = outcome?.kind === "plan" ? outcome.plan.changes.length : 0;

  return (
    <div className="grid gap-6">
      <Card>
        <CardHeader>
          <CardTitle>Current policy</CardTitle>
          <CardDescription>
            Servers, tools, agents, entitlements and live assignments as YAML. Upstream credentials and client secrets
            are never exported.
          </CardDescription>
        </CardHeader>
        <CardContent className="grid gap-3">
          <div className="flex flex-wrap gap-2">
            <Button asChild variant="outline">
              <a
                data-testid="policy-download"
                href={`data:application/yaml;charset=utf-8,${encodeURIComponent(exported)}`}
                download="mandate-policy.yaml"
              >
                <Download aria-hidden /> Download YAML
              </a>
            </Button>
            {canApply ? (
              <Button variant="ghost" onClick={() => edit(exported)}>
                Edit a copy below
              </Button>
            ) : null}
          </div>
          <details>
            <summary className="cursor-pointer text-sm text-muted-foreground">Show the export</summary>
            <pre
              data-testid="policy-export"
              className="mt-2 max-h-96 overflow-y-auto whitespace-pre-wrap rounded-md bg-muted p-3 font-mono text-xs [overflow-wrap:anywhere]"
            >
              {exported}
            </pre>
          </details>
        </CardContent>
      </Card>

      {canApply ? (
        <Card>
          <CardHeader>
            <CardTitle>Plan and apply</CardTitle>
            <CardDescription>
              Paste or upload a policy file, plan it to see what would change, then apply it — all of it in one
              transaction, or none of it. Assignments the file leaves out are ended.
            </CardDescription>
          </CardHeader>
          <CardContent className="grid gap-3">
            <div className="grid gap-2">
              <div className="flex items-center justify-between gap-2">
                <Label htmlFor={editorId}>Policy YAML</Label>
                <Button variant="outline" size="sm" asChild>
                  <label className="cursor-pointer">
                    <Upload aria-hidden /> Upload file
                    <input
                      type="file"
                      accept=".yaml,.yml,application/yaml,text/yaml,text/plain"
                      className="sr-only"
                      data-testid="policy-upload"
                      onChange={async (event) => {
                        const file = event.target.files?.[0];
                        if (file) edit(await file.text());
                        event.target.value = "";
                      }}
                    />
                  </label>
                </Button>
              </div>
              <Textarea
                id={editorId}
                data-testid="policy-editor"
                value={yaml}
                onChange={(event) => edit(event.target.value)}
                spellCheck={false}
                rows={18}
                className="font-mono text-xs"
                aria-invalid={outcome?.kind === "issues" || undefined}
                placeholder="servers:&#10;  - name: …"
              />
            </div>
            <label className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                checked={prune}
                onChange={(event) => {
                  setPrune(event.target.checked);
                  setOutcome(null);
                }}
              />
              Remove servers, agents and entitlements the file leaves out (prune)
            </label>
            <div className="flex gap-2">
              <Button onClick={plan} disabled={planning || yaml.trim() === ""} aria-busy={planning}>
                {planning ? "Planning…" : "Plan"}
              </Button>
              <ConfirmDialog
                trigger={
                  <Button variant="destructive" disabled={!planned || changeCount === 0}>
                    Apply
                  </Button>
                }
                title="Apply this policy?"
                description={`${changeCount} change(s) will be made in one transaction, each recorded in the audit trail.${prune ? " Servers, agents and entitlements the file leaves out will be removed." : ""}`}
                confirmLabel="Apply"
                onConfirm={apply}
              />
            </div>
            {outcome?.kind === "issues" ? <PolicyIssues issues={outcome.issues} /> : null}
            {outcome?.kind === "plan" ? <PlanView plan={outcome.plan} /> : null}
            {credentials.length > 0 ? (
              <div role="status" className="rounded-md border p-3 text-sm">
                <p className="font-medium">New client secrets — shown once; store them now:</p>
                <ul className="mt-2 grid gap-1 font-mono text-xs">
                  {credentials.map((c) => (
                    <li key={c.clientId}>
                      {c.agent} ({c.clientId}): {c.clientSecret}
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
          </CardContent>
        </Card>
      ) : null}
    </div>
  );
}
