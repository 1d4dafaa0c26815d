import { createHash } from "node:crypto";
import { ZodError } from "zod";
import { recordAudit } from "@/lib/audit/record";
import { actorOf, type Principal } from "@/lib/auth/principal";
import type { Db } from "@/lib/db/client";
import { isDomainError } from "@/lib/errors/domain-error";
import { deferReconciliation } from "@/lib/sessions/reconcile-live-sessions";
import { revokingTransaction } from "@/lib/sessions/revoke-live-sessions";
import { buildSteps, type Step, type StepContext } from "./build-steps";
import { loadCurrentModel } from "./current-model";
import type { ApplyResult, Plan, PolicyIssue, PolicyOptions } from "./plan-types";
import type { PolicyPath } from "./policy-schema";
import { resolveIssuerKeys } from "./resolve-issuer-keys";
import { parsePolicySource, type PolicySource } from "./source-map";
import { validateEntries } from "./validate-entries";

/** Thrown to roll the transaction back while carrying out what to report. */
class Rollback {
  constructor(readonly result: ApplyResult) {}
}

/** A domain refusal inside a step, reported at the file key the domain field came from. */
function issueOf(source: PolicySource, step: Step, e: unknown): PolicyIssue[] | null {
  const at = (field: PropertyKey | undefined, rest: PropertyKey[] = []): PolicyPath => {
    if (typeof field !== "string") return step.path;
    return [
      ...step.path,
      step.fields[field] ?? field,
      ...rest.filter((k): k is string | number => typeof k !== "symbol"),
    ];
  };
  if (isDomainError(e)) return [source.issueAt(at(e.field), e.message)];
  if (e instanceof ZodError) return e.issues.map((i) => source.issueAt(at(i.path[0], i.path.slice(1)), i.message));
  return null;
}

function summary(plan: Plan): string {
  const count = (op: string) => plan.changes.filter((c) => c.op === op).length;
  return `${count("create")} created, ${count("update")} updated, ${count("remove")} removed or ended`;
}

/**
 * Plans a policy file and runs every change through the domain functions in
 * ONE transaction, so the same rules refuse the same things as in the
 * console. `commit: false` (plan) rolls the transaction back after the
 * rehearsal: a plan that passes is a plan that applies, barring concurrent
 * edits. Any refusal rolls everything back and is reported at its line.
 */
export async function runPolicy(
  db: Db,
  principal: Principal,
  text: string,
  opts: PolicyOptions & { commit: boolean },
): Promise<ApplyResult> {
  const parsed = parsePolicySource(text);
  if (!parsed.ok) return { ok: false, issues: parsed.issues };
  const { source } = parsed;
  const validated = validateEntries(source);
  if (!validated.ok) return { ok: false, issues: validated.issues };
  const keyIssues = await resolveIssuerKeys(db, source, validated.entries, opts.fetch);
  if (keyIssues.length > 0) return { ok: false, issues: keyIssues };

  try {
    return await revokingTransaction(
      db,
      async (tx) => {
        const now = new Date();
        const built = buildSteps(source, validated.entries, await loadCurrentModel(tx, now), opts.prune ?? false);
        if (!built.ok) return { ok: false, issues: built.issues };
        const ctx: StepContext = { tx, principal, now, credentials: [] };
        // Live sessions are reconciled once, against the file's net effect: a grant ended and given again in the
        // same file cuts nothing. A plan (rolled back) reconciles nothing.
        await deferReconciliation(
          tx,
          async () => {
            for (const step of built.steps) {
              try {
                await step.run(ctx);
              } catch (e) {
                const issues = issueOf(source, step, e);
                if (!issues) throw e;
                throw new Rollback({ ok: false, issues });
              }
            }
          },
          opts.commit
            ? {
                actor: principal,
                reason: "Access removed by a policy file",
                now,
                operation: { kind: "policy_applied" },
              }
            : null,
        );
        const changed = built.plan.changes.length > 0;
        if (!opts.commit) throw new Rollback({ ok: true, plan: built.plan, applied: false, credentials: [] });
        // An unchanged file writes nothing at all, not even this event: applying twice is a no-op.
        if (changed) {
          await recordAudit(tx, {
            action: "policy.applied",
            ...actorOf(principal),
            targetType: "policy",
            targetLabel: "policy file",
            decision: "info",
            reason: summary(built.plan),
            occurredAt: now,
            detail: {
              sha256: createHash("sha256").update(text).digest("hex"),
              prune: opts.prune ?? false,
              changes: built.plan.changes.map((c) => ({
                op: c.op,
                kind: c.kind,
                label: c.label,
                fields: c.fields.map((f) => f.field),
              })),
            },
          });
        }
        return { ok: true, plan: built.plan, applied: changed, credentials: ctx.credentials };
      },
      // A whole organisation's file is many domain calls; the default 5 s would cut a large apply short.
      { maxWait: 10_000, timeout: 120_000 },
    );
  } catch (e) {
    if (e instanceof Rollback) return e.result;
    throw e;
  }
}
