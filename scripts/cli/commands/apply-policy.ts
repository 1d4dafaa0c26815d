import { applyPolicy } from "@/lib/policy/apply-policy";
import { formatPlan } from "@/lib/policy/format-plan";
import type { Command } from "../command";
import { reportIssues, withPolicyFile } from "../policy-run";

/** Applies a policy file in one transaction: all of it or, on any problem, none of it. */
export const applyPolicyCommand: Command = {
  name: "apply",
  summary: "make the database match a policy file, in one audited transaction",
  usage:
    "-f FILE [--prune] [--as ADMIN_EMAIL]   (--prune also removes servers, agents and entitlements the file omits)",
  async run(args, io) {
    return withPolicyFile(args, io, async ({ db, principal, text, prune, file }) => {
      const result = await applyPolicy(db, principal, text, { prune });
      if (!result.ok) return reportIssues(io, file, result.issues);
      for (const line of formatPlan(result.plan)) io.log(line);
      if (result.applied) io.log(`\nApplied ${result.plan.changes.length} change(s) (audit: policy.applied).`);
      for (const c of result.credentials) {
        io.log(`\nClient secret for ${c.agent} (client_id ${c.clientId}), shown once:\n  ${c.clientSecret}`);
      }
      return 0;
    });
  },
};
