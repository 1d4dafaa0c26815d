import { createAssignmentIn } from "@/lib/assignments/create-assignment";
import { endAssignmentIn } from "@/lib/assignments/end-assignment";
import { narrowAssignmentIn } from "@/lib/assignments/narrow-assignment";
import { assignmentKey } from "../current-model";
import { assignmentFields } from "../validate-entries";
import { diff, POLICY_REASON, type SectionContext, same } from "./context";
import { entitlementIdOf, excludedToolIdsOf, principalIdOf } from "./lookups";

type GrantTerms = { expires: string | null; justification: string; excludedTools: string[] };
const sameTerms = (a: GrantTerms, b: GrantTerms) =>
  same([a.expires, a.justification, a.excludedTools], [b.expires, b.justification, b.excludedTools]);
/** Only more tools left out, nothing else changed: the grant is narrowed in place, as a "reduce" review decision does. */
const narrowsOnly = (current: GrantTerms, wanted: GrantTerms) =>
  same([current.expires, current.justification], [wanted.expires, wanted.justification]) &&
  current.excludedTools.every((t) => wanted.excludedTools.includes(t));
const GRANT_DIFF = ["expires", "excludedTools", "justification"] as const;
const grantLabel = (a: { entitlement: string; principalType: string; principal: string }) =>
  `${a.entitlement} → ${a.principalType} ${a.principal}`;

/**
 * Assignments the file no longer lists (or states differently) end first:
 * before every other step, since ending depends on nothing, and a grant the
 * file drops must be gone before an owner change the same file makes is
 * checked for separation of duties. A grant exists because a file says so,
 * so what the file leaves out is ended, prune or not.
 */
export function planAssignmentEndings({ entries, model, change, endings }: SectionContext): void {
  const fileGrants = new Map(entries.assignments.map((a) => [assignmentKey(a), a]));
  for (const current of model.assignments) {
    const wanted = fileGrants.get(assignmentKey(current));
    if (wanted && (sameTerms(current, wanted) || narrowsOnly(current, wanted))) continue;
    if (!wanted) change("remove", "assignment", grantLabel(current), null, [], "ended");
    const reason = wanted ? "Replaced by the policy file's version" : POLICY_REASON;
    endings.push({
      path: wanted?.path ?? [],
      fields: {},
      run: async ({ tx, principal, now }) => endAssignmentIn(tx, principal, { assignmentId: current.id, reason }, now),
    });
  }
}

/**
 * The file's assignments to grant: new ones, ones narrowed in place, and ones
 * granted again because their terms changed (an assignment's terms are fixed
 * once granted; planAssignmentEndings ended the old one).
 */
export function planAssignments({ entries, model, change, refuse, steps }: SectionContext): void {
  const liveGrants = new Map(model.assignments.map((a) => [assignmentKey(a), a]));
  for (const a of entries.assignments) {
    const current = liveGrants.get(assignmentKey(a));
    const agent = a.principalType === "agent" ? entries.agents.find((g) => g.name === a.principal) : undefined;
    if (agent?.status === "retired") {
      refuse([...a.path, "agent"], "This agent is retired; it cannot receive access");
      continue;
    }
    if (current && sameTerms(current, a)) continue;
    if (current && narrowsOnly(current, a)) {
      change("update", "assignment", grantLabel(a), a.path, diff(current, a, GRANT_DIFF), "narrowed in place");
      steps.push({
        path: a.path,
        fields: assignmentFields(a.principalType),
        run: async ({ tx, principal, now }) => {
          const excludedToolIds = await excludedToolIdsOf(tx, a.entitlement, a.excludedTools);
          await narrowAssignmentIn(
            tx,
            principal,
            { assignmentId: current.id, excludedToolIds, reason: "Narrowed by policy file" },
            now,
          );
        },
      });
      continue;
    }
    if (current) {
      change(
        "update",
        "assignment",
        grantLabel(a),
        a.path,
        diff(current, a, GRANT_DIFF),
        "ended and granted again: an assignment's terms are fixed once granted",
      );
    } else {
      change("create", "assignment", grantLabel(a), a.path);
    }
    steps.push({
      path: a.path,
      fields: assignmentFields(a.principalType),
      run: async ({ tx, principal, now }) => {
        await createAssignmentIn(
          tx,
          principal,
          {
            entitlementId: await entitlementIdOf(tx, a.entitlement),
            principalType: a.principalType,
            principalId: await principalIdOf(tx, a.principalType, a.principal),
            expiresAt: a.expires ?? undefined,
            justification: a.justification,
            excludedToolIds: await excludedToolIdsOf(tx, a.entitlement, a.excludedTools),
          },
          now,
        );
      },
    });
  }
}
