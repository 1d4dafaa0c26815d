import type { CurrentModel } from "./current-model";
import type { Plan, PlanChange, PolicyIssue } from "./plan-types";
import type { PolicyPath } from "./policy-schema";
import { planAgents, pruneAgents } from "./sections/agents";
import { planAssignmentEndings, planAssignments } from "./sections/assignments";
import type { SectionContext, Step } from "./sections/context";
import { planEntitlements, pruneEntitlements } from "./sections/entitlements";
import { planIdentityProviders, pruneIdentityProviders } from "./sections/identity-providers";
import { planServers, pruneServers } from "./sections/servers";
import type { PolicySource } from "./source-map";
import type { PolicyEntries } from "./validate-entries";

export type { Step, StepContext } from "./sections/context";

/**
 * Compares the file's entries with the database's model and lists, in the
 * order they must run, the domain calls that make the database say what the
 * file says. Changes the domain forbids (an agent's kind, an entitlement's
 * server, un-retiring) are issues here, at their line.
 *
 * What the file does not list: assignments are ended (a grant exists because
 * a file says so); servers, agents and entitlements are only reported as kept
 * unless `prune` — removing them is destructive and a partial file is an easy
 * mistake. Tools are never removed: they come from the server (a sync marks
 * them removed).
 *
 * Each section (lib/policy/sections/) adds its changes and steps; the order of
 * the calls below is the order of the plan and of the steps.
 */
export function buildSteps(
  source: PolicySource,
  entries: PolicyEntries,
  model: CurrentModel,
  prune: boolean,
): { ok: true; plan: Plan; steps: Step[] } | { ok: false; issues: PolicyIssue[] } {
  const issues: PolicyIssue[] = [];
  const changes: PlanChange[] = [];
  const lineOf = (path: PolicyPath) => source.issueAt(path, "").line;
  const ctx: SectionContext = {
    entries,
    model,
    prune,
    steps: [],
    endings: [],
    kept: [],
    lineOf,
    change: (op, kind, label, path, fields = [], note) =>
      changes.push({ op, kind, label, fields, line: path ? lineOf(path) : null, ...(note ? { note } : {}) }),
    refuse: (path, message) => issues.push(source.issueAt(path, message)),
  };

  planServers(ctx);
  planAgents(ctx);
  // After the agents: a workload rule names one.
  planIdentityProviders(ctx);
  planAssignmentEndings(ctx);
  planEntitlements(ctx);
  planAssignments(ctx);
  // What the file does not list.
  pruneEntitlements(ctx);
  pruneAgents(ctx);
  pruneServers(ctx);
  pruneIdentityProviders(ctx);

  if (issues.length > 0) return { ok: false, issues: issues.sort((x, y) => (x.line ?? 0) - (y.line ?? 0)) };
  return { ok: true, plan: { changes, kept: ctx.kept }, steps: [...ctx.endings, ...ctx.steps] };
}
