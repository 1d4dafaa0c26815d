import type { Plan, PolicyIssue } from "./plan-types";

const SIGN = { create: "+", update: "~", remove: "-" } as const;

const show = (value: unknown): string => (value === null || value === undefined ? "(unset)" : JSON.stringify(value));

/** The plan as a terminal shows it: one line per change, field diffs indented below. */
export function formatPlan(plan: Plan): string[] {
  const lines: string[] = [];
  if (plan.changes.length === 0) lines.push("No changes. The database already matches the file.");
  for (const c of plan.changes) {
    lines.push(`${SIGN[c.op]} ${c.kind} ${c.label}${c.note ? ` (${c.note})` : ""}`);
    for (const f of c.fields) lines.push(`    ${f.field}: ${show(f.before)} → ${show(f.after)}`);
  }
  if (plan.kept.length > 0) {
    lines.push(
      "",
      "Not in the file, kept (pass --prune to remove servers, agents, entitlements and identity providers; tools come from their server):",
    );
    for (const k of plan.kept) lines.push(`  ${k.kind} ${k.label}`);
  }
  return lines;
}

/** "line 12: servers[0].resourceUri: Enter an absolute URL…" */
export function formatIssue(issue: PolicyIssue): string {
  return [issue.line !== null ? `line ${issue.line}` : null, issue.path || null, issue.message]
    .filter(Boolean)
    .join(": ");
}
