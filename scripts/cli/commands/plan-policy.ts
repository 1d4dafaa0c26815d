import { formatPlan } from "@/lib/policy/format-plan";
import { planPolicy } from "@/lib/policy/plan-policy";
import type { Command } from "../command";
import { reportIssues, withPolicyFile } from "../policy-run";

/** Shows what `apply` would change; writes nothing. */
export const planPolicyCommand: Command = {
  name: "plan",
  summary: "show what applying a policy file would change (+ create, ~ update, - remove); writes nothing",
  usage: "-f FILE [--prune] [--as ADMIN_EMAIL]",
  async run(args, io) {
    return withPolicyFile(args, io, async ({ db, principal, text, prune, file }) => {
      const result = await planPolicy(db, principal, text, { prune });
      if (!result.ok) return reportIssues(io, file, result.issues);
      for (const line of formatPlan(result.plan)) io.log(line);
      return 0;
    });
  },
};
