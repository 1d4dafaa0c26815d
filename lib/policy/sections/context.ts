import type { Principal } from "@/lib/auth/principal";
import type { Tx } from "@/lib/db/client";
import type { CurrentModel } from "../current-model";
import type { ChangeKind, FieldChange, IssuedCredential, Plan, PlanChange } from "../plan-types";
import type { PolicyPath } from "../policy-schema";
import type { PolicyEntries } from "../validate-entries";

export interface StepContext {
  tx: Tx;
  principal: Principal;
  now: Date;
  credentials: IssuedCredential[];
}

/** One call of a domain function, with the place in the file its refusals are reported at. */
export interface Step {
  path: PolicyPath;
  /** The domain's field names → the file's keys, for DomainError.field. */
  fields: Record<string, string>;
  run(ctx: StepContext): Promise<void>;
}

/**
 * What every section reads (the file's entries, the database's model) and
 * writes to (the plan's changes, what is kept, refusals, and the steps).
 * Sections add to these in the order buildSteps calls them, which is the
 * order the plan lists and the steps run.
 */
export interface SectionContext {
  entries: PolicyEntries;
  model: CurrentModel;
  /** Remove what the file does not list, instead of reporting it as kept. */
  prune: boolean;
  /** Steps that run in order, after every ending. */
  steps: Step[];
  /** Steps that depend on nothing and run first (assignments and workload rules the file drops). */
  endings: Step[];
  kept: Plan["kept"];
  lineOf(path: PolicyPath): number | null;
  change(
    op: PlanChange["op"],
    kind: ChangeKind,
    label: string,
    path: PolicyPath | null,
    fields?: FieldChange[],
    note?: string,
  ): void;
  /** A change the domain forbids, reported at its line in the file. */
  refuse(path: PolicyPath, message: string): void;
}

export const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The fields of `keys` whose values differ (before: the database, after: the file). */
export function diff<K extends string>(
  before: Record<K, unknown>,
  after: Record<K, unknown>,
  keys: readonly K[],
): FieldChange[] {
  return keys
    .filter((k) => !same(before[k] ?? null, after[k] ?? null))
    .map((k) => ({ field: k, before: before[k] ?? null, after: after[k] ?? null }));
}

export const POLICY_REASON = "Not in the policy file";
