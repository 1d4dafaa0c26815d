import type { Risk } from "@/lib/entitlements/risk";

/**
 * An assignment as it stood when its review item was created. Copied into the
 * item (not joined at read time) so that whatever happens to the assignment
 * after launch — narrowed, ended, re-granted — the reviewer decides on, and
 * the report shows, exactly what was in scope.
 */
export interface ItemSnapshot {
  assignmentId: string;
  principalType: "agent" | "user" | "group";
  principalId: string;
  principalLabel: string;
  /** Agent client id or person's email. */
  principalDetail: string | null;
  agentKind: "autonomous" | "delegated" | null;
  agentOwnerId: string | null;
  agentOwnerLabel: string | null;
  entitlementId: string;
  entitlementName: string;
  serverId: string;
  serverName: string;
  serverOwnerId: string | null;
  /** Tools the assignment granted at launch (entitlement tools minus excluded ones). */
  tools: { toolId: string; name: string; scope: string; risk: Risk }[];
  justification: string;
  grantedById: string | null;
  grantedByLabel: string | null;
  grantedAt: string;
  expiresAt: string | null;
}

export function parseSnapshot(value: unknown): ItemSnapshot {
  // Written only by launch / micro-certification code from this type.
  return value as ItemSnapshot;
}

/** Highest-risk items need a written justification to be certified. */
export const HIGH_RISK: Risk = "destructive";
