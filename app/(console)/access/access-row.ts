import { principalKey, type PrincipalLabels } from "@/lib/access/principal-labels";
import type { EffectiveAccess } from "@/lib/entitlements/effective-access";

/** One way a tool is reached, as the browser receives it. */
export type AccessPathRow = {
  assignmentId: string;
  entitlementName: string;
  principalType: "agent" | "user" | "group";
  principalLabel: string;
  /** ISO 8601; null: no end date. */
  expiresAt: string | null;
};

/** A reachable tool as the effective-access table takes it: plain, serializable data. */
export type AccessToolRow = {
  toolId: string;
  toolName: string;
  scope: string;
  risk: "read" | "write" | "destructive";
  serverId: string;
  serverName: string;
  until: string | null;
  via: AccessPathRow[];
};

export function toAccessRows(access: EffectiveAccess, labels: PrincipalLabels): AccessToolRow[] {
  return access.tools.map((t) => ({
    toolId: t.toolId,
    toolName: t.toolName,
    scope: t.scope,
    risk: t.risk,
    serverId: t.serverId,
    serverName: t.serverName,
    until: t.until?.toISOString() ?? null,
    via: t.via.map((p) => ({
      assignmentId: p.assignmentId,
      entitlementName: p.entitlementName,
      principalType: p.principalType,
      principalLabel: labels.get(principalKey(p.principalType, p.principalId)) ?? p.principalId,
      expiresAt: p.expiresAt?.toISOString() ?? null,
    })),
  }));
}
