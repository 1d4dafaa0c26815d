/**
 * Whether approving a tool deserves the stronger confirmation: its risk is destructive (set from the server's
 * `destructiveHint` annotation at sync, or by an admin), or its scope is an administrative one ("wiki:admin",
 * "admin.users", …) — a tool that can change or delete what others rely on.
 */
export function isHighRiskApproval(tool: { risk: string; scope: string }): boolean {
  return tool.risk === "destructive" || /(^|[^a-z])admin([^a-z]|$)/i.test(tool.scope);
}

/** Shortest reason accepted for approving such a tool, so the audit trail says why. */
export const HIGH_RISK_APPROVAL_REASON_MIN = 10;
