/**
 * Tool risk and its order. Kept apart from effective-access.ts (which queries
 * the database) so browser code — the entitlement form's live risk — can use it.
 */
export type Risk = "read" | "write" | "destructive";
export const RISKS: readonly Risk[] = ["read", "write", "destructive"];
export const RISK_RANK: Record<Risk, number> = { read: 0, write: 1, destructive: 2 };

/** Highest risk among tools, or null when there are none. */
export function highestRisk(tools: readonly { risk: Risk }[]): Risk | null {
  return tools.reduce<Risk | null>((m, t) => (m === null || RISK_RANK[t.risk] > RISK_RANK[m] ? t.risk : m), null);
}
