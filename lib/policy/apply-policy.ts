import type { Principal } from "@/lib/auth/principal";
import type { Db } from "@/lib/db/client";
import type { ApplyResult, PolicyOptions } from "./plan-types";
import { runPolicy } from "./run-policy";

/**
 * Makes the database say what the file says, in one transaction, through the
 * domain functions (each writes its own audit event) plus one
 * `policy.applied` event summarising the file. Re-plans first: the plan shown
 * earlier may be stale. Idempotent: an unchanged file writes nothing.
 */
export async function applyPolicy(
  db: Db,
  principal: Principal,
  text: string,
  opts: PolicyOptions = {},
): Promise<ApplyResult> {
  return runPolicy(db, principal, text, { ...opts, commit: true });
}
