import type { FetchLike } from "@/lib/federation/issuer-discovery";
/** What plan and apply report. Plain data: the console receives it from a server action. */

export interface PolicyIssue {
  /** Where in the file, as a dotted path ("servers[0].resourceUri"); "" for the file as a whole. */
  path: string;
  /** 1-based line in the file, when the path could be located. */
  line: number | null;
  message: string;
}

export type ChangeKind =
  | "server"
  | "tool"
  | "agent"
  | "entitlement"
  | "assignment"
  | "identity_provider"
  | "workload_identity";

export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

export interface PlanChange {
  /** create (+), update (~), remove (-: deleted, retired or ended). */
  op: "create" | "update" | "remove";
  kind: ChangeKind;
  label: string;
  /** For updates: the fields that differ. */
  fields: FieldChange[];
  /** What "remove" means for this kind, or why an update is done the way it is. */
  note?: string;
  line: number | null;
}

export interface Plan {
  changes: PlanChange[];
  /** In the database but not in the file, and left alone because --prune was not given. */
  kept: { kind: ChangeKind; label: string }[];
}

export type PlanResult = { ok: true; plan: Plan } | { ok: false; issues: PolicyIssue[] };

/** A client secret generated for an agent the file created: shown once, never stored. */
export interface IssuedCredential {
  agent: string;
  clientId: string;
  clientSecret: string;
}

export type ApplyResult =
  | { ok: true; plan: Plan; applied: boolean; credentials: IssuedCredential[] }
  | { ok: false; issues: PolicyIssue[] };

export interface PolicyOptions {
  /** Remove servers, retire agents, delete entitlements and stop trusting identity providers that the file does not list. */
  prune?: boolean;
  /** For discovering an identity provider's keys (tests serve metadata without a network). */
  fetch?: FetchLike;
}
