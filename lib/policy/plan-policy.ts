import type { Principal } from "@/lib/auth/principal";
import type { Db } from "@/lib/db/client";
import type { PlanResult, PolicyOptions } from "./plan-types";
import { runPolicy } from "./run-policy";

/**
 * What applying the file would change, or why it cannot be applied (each
 * problem at its line). Nothing is written: the changes are rehearsed in a
 * transaction that is rolled back, so the domain's own checks (approved
 * tools, retired agents, separation of duties for `principal`) run too.
 */
export async function planPolicy(
  db: Db,
  principal: Principal,
  text: string,
  opts: PolicyOptions = {},
): Promise<PlanResult> {
  const result = await runPolicy(db, principal, text, { ...opts, commit: false });
  return result.ok ? { ok: true, plan: result.plan } : result;
}
