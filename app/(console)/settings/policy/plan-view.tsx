import type { Plan, PolicyIssue } from "@/lib/policy/plan-types";
import { cn } from "@/lib/utils/cn";

const SIGN = { create: "+", update: "~", remove: "-" } as const;
const TONE = {
  create: "text-emerald-700 dark:text-emerald-400",
  update: "text-amber-700 dark:text-amber-400",
  remove: "text-destructive",
} as const;

const show = (value: unknown): string => (value === null || value === undefined ? "(unset)" : JSON.stringify(value));

/** The change list of a plan, as the CLI prints it: + create, ~ update, - remove. */
export function PlanView({ plan }: { plan: Plan }) {
  if (plan.changes.length === 0 && plan.kept.length === 0) {
    return (
      <p data-testid="policy-no-changes" className="text-sm text-muted-foreground">
        No changes. The database already matches the file.
      </p>
    );
  }
  return (
    <div className="grid gap-3">
      {plan.changes.length === 0 ? (
        <p data-testid="policy-no-changes" className="text-sm text-muted-foreground">
          No changes. The database already matches the file.
        </p>
      ) : (
        <ul data-testid="policy-plan" aria-label="Planned changes" className="grid gap-1 font-mono text-sm">
          {plan.changes.map((c, i) => (
            <li key={i}>
              <span className={cn("font-semibold", TONE[c.op])}>{SIGN[c.op]}</span> {c.kind} {c.label}
              {c.note ? <span className="text-muted-foreground"> ({c.note})</span> : null}
              {c.fields.length > 0 ? (
                <ul className="ml-6 text-muted-foreground">
                  {c.fields.map((f) => (
                    <li key={f.field}>
                      {f.field}: {show(f.before)} → {show(f.after)}
                    </li>
                  ))}
                </ul>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {plan.kept.length > 0 ? (
        <div className="text-sm text-muted-foreground">
          <p>
            Not in the file, kept (apply with “remove what the file omits” to remove servers, agents and entitlements):
          </p>
          <ul className="ml-4 list-disc">
            {plan.kept.map((k) => (
              <li key={`${k.kind}:${k.label}`}>
                {k.kind} {k.label}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}

/** Problems with the file, each at its line. */
export function PolicyIssues({ issues }: { issues: PolicyIssue[] }) {
  return (
    <div
      role="alert"
      data-testid="policy-issues"
      className="rounded-md border border-destructive/40 bg-destructive/5 p-3 text-sm"
    >
      <p className="font-medium text-destructive">The file cannot be applied; nothing was changed.</p>
      <ul className="mt-2 grid gap-1 font-mono">
        {issues.map((issue, i) => (
          <li key={i}>
            {issue.line !== null ? <span className="font-semibold">Line {issue.line}</span> : null}
            {issue.path ? <span className="text-muted-foreground"> {issue.path}</span> : null}: {issue.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
