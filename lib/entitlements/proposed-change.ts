import { z } from "zod";

/**
 * A change to who holds what, as a what-if preview receives it. Kept apart
 * from the preview itself (which needs the database) so that browser code can
 * import the type and the schema without pulling in a database client.
 */
export const proposedChangeSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("assign"),
    entitlementId: z.string().min(1).max(200),
    principalType: z.enum(["agent", "user", "group"]),
    principalId: z.string().min(1).max(200),
    /** ISO 8601; absent: no end date. */
    expiresAt: z.iso.datetime({ offset: true }).optional(),
  }),
  z.object({ kind: z.literal("end_assignment"), assignmentId: z.string().min(1).max(200) }),
  z.object({
    kind: z.literal("set_entitlement_tools"),
    entitlementId: z.string().min(1).max(200),
    toolIds: z.array(z.string().min(1).max(200)).max(1000),
  }),
]);

export type ProposedChange = z.infer<typeof proposedChangeSchema>;

/** Someone whose reach a change alters: an agent alone, a person, or an agent acting for a person. */
export type AffectedIdentity =
  | { kind: "agent"; agentId: string; label: string }
  | { kind: "user"; userId: string; label: string }
  | { kind: "agent_for_user"; agentId: string; userId: string; label: string };

export interface ChangedTool {
  toolId: string;
  toolName: string;
  serverName: string;
  scope: string;
  risk: "read" | "write" | "destructive";
}

export interface IdentityChange {
  identity: AffectedIdentity;
  tools: ChangedTool[];
}

/** A live session that holds a tool the change takes away: it would be revoked (lib/sessions/reconcile-live-sessions.ts). */
export interface SessionLosingTools {
  sessionId: string;
  agent: { id: string; name: string };
  user: { id: string; displayName: string } | null;
  serverName: string;
  /** Names of the tools it holds and would lose. */
  toolsLost: string[];
}

/** What a change would do; plain data, safe to send to the browser. */
export interface WhatIfSummary {
  gains: IdentityChange[];
  losses: IdentityChange[];
  sessionsLosingTools: SessionLosingTools[];
  counts: {
    identitiesGaining: number;
    identitiesLosing: number;
    toolsGained: number;
    toolsLost: number;
    sessions: number;
  };
}
