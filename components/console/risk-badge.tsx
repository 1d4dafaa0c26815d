import { StatusBadge } from "@/components/ui/badge";

export type Risk = "read" | "write" | "destructive";

/** What a tool (or the riskiest tool a session can reach) may do: read, write or destroy. */
export function RiskBadge({ risk }: { risk: Risk }) {
  return <StatusBadge variant={risk}>{risk}</StatusBadge>;
}
