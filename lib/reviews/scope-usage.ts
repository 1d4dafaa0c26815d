import { notDrillAgent } from "@/lib/drills/drill-agent";
import type { Db, Tx } from "@/lib/db/client";
import { agentToolCalls } from "@/lib/db/stores/reviews";
import {
  effectiveAccessOfAgent,
  effectiveAccessOfAgents,
  type EffectiveAccess,
  type Risk,
} from "@/lib/entitlements/effective-access";

/**
 * Scope review: what agents are granted versus what they use.
 *
 * Granted: the agent's own effective access (its own assignments; what a
 * delegated agent reaches for a person is bounded by those same grants).
 * Used: distinct tools in `tool.called` audit events whose actor is the agent.
 * A grant unused for 90 days is excess privilege.
 */

export const DAY_MS = 86_400_000;
export const USAGE_WINDOW_DAYS = 90;
export const RECENT_WINDOW_DAYS = 30;

export interface ToolUsage {
  calls30: number;
  calls90: number;
  lastUsedAt: Date | null;
}

export interface AgentScopeUsage {
  agentId: string;
  name: string;
  kind: "autonomous" | "delegated" | "interactive";
  status: "pending" | "active" | "suspended" | "retired";
  granted: number;
  used30: number;
  used90: number;
  /** Share of granted tools unused in 90 days, 0–100; 0 when nothing is granted. */
  excessPercent: number;
}

export interface ExcessPrivilege {
  /** Agent → tool grants held (each pair once, however many assignments lead to it). */
  grants: number;
  unused: number;
  percent: number;
}

/** agentId → toolId → usage in the last 90 (and 30) days. */
export async function toolUsage(
  db: Db | Tx,
  now: Date,
  agentId?: string,
): Promise<Map<string, Map<string, ToolUsage>>> {
  const window = {
    from: new Date(now.getTime() - USAGE_WINDOW_DAYS * DAY_MS),
    recentFrom: new Date(now.getTime() - RECENT_WINDOW_DAYS * DAY_MS),
    to: now,
  };
  const rows = await agentToolCalls(db, window, agentId);
  const byAgent = new Map<string, Map<string, ToolUsage>>();
  for (const r of rows) {
    let tools = byAgent.get(r.subject);
    if (!tools) byAgent.set(r.subject, (tools = new Map()));
    tools.set(r.toolId, { calls30: r.calls30, calls90: r.calls90, lastUsedAt: r.lastUsedAt });
  }
  return byAgent;
}

function summarise(access: EffectiveAccess | undefined, usage: Map<string, ToolUsage> | undefined) {
  let granted = 0,
    used30 = 0,
    used90 = 0;
  for (const t of access?.tools ?? []) {
    granted++;
    const u = usage?.get(t.toolId);
    if (u && u.calls90 > 0) used90++;
    if (u && u.calls30 > 0) used30++;
  }
  return { granted, used30, used90 };
}

const percentOf = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10);

/** Every agent with granted / used counts: three queries whatever the number of agents. */
export async function scopeUsageByAgent(db: Db, now: Date = new Date()): Promise<AgentScopeUsage[]> {
  const [agents, access, usage] = await Promise.all([
    // The built-in drill agent holds no grants and is not reviewed (lib/drills/drill-agent.ts).
    db.agent.findMany({
      where: notDrillAgent,
      select: { id: true, name: true, kind: true, status: true },
      orderBy: { name: "asc" },
    }),
    effectiveAccessOfAgents(db, now),
    toolUsage(db, now),
  ]);
  return agents.map((a) => {
    const s = summarise(access.get(a.id), usage.get(a.id));
    return {
      agentId: a.id,
      name: a.name,
      kind: a.kind,
      status: a.status,
      ...s,
      excessPercent: percentOf(s.granted - s.used90, s.granted),
    };
  });
}

/** The organisation-wide share of agent → tool grants unused in 90 days. */
export async function excessPrivilege(db: Db, now: Date = new Date()): Promise<ExcessPrivilege> {
  const [access, usage] = await Promise.all([effectiveAccessOfAgents(db, now), toolUsage(db, now)]);
  return excessOf([...access].map(([agentId, a]) => summarise(a, usage.get(agentId))));
}

/** The excess figure from per-agent counts (the scope review page already has them). */
export function excessOf(agents: readonly { granted: number; used90: number }[]): ExcessPrivilege {
  let grants = 0,
    used = 0;
  for (const a of agents) {
    grants += a.granted;
    used += a.used90;
  }
  return { grants, unused: grants - used, percent: percentOf(grants - used, grants) };
}

export interface ReviewedTool {
  toolId: string;
  toolName: string;
  scope: string;
  risk: Risk;
  calls30: number;
  calls90: number;
  lastUsedAt: Date | null;
}

export interface ReviewedAssignment {
  assignmentId: string;
  entitlementId: string;
  entitlementName: string;
  createdAt: Date;
  expiresAt: Date | null;
  tools: ReviewedTool[];
  unusedToolIds: string[];
  /** Granted within the usage window: too new for "unused for 90 days" to mean anything. */
  tooNewToJudge: boolean;
}

export interface ServerScopeUsage {
  serverId: string;
  serverName: string;
  granted: number;
  used30: number;
  used90: number;
  assignments: ReviewedAssignment[];
}

export interface AgentScopeReview {
  agent: {
    id: string;
    name: string;
    kind: "autonomous" | "delegated" | "interactive";
    status: "pending" | "active" | "suspended" | "retired";
  };
  granted: number;
  used30: number;
  used90: number;
  excessPercent: number;
  servers: ServerScopeUsage[];
}

/** One agent's grants and their use, per server and per assignment; null for an unknown agent. */
export async function agentScopeReview(
  db: Db | Tx,
  agentId: string,
  now: Date = new Date(),
): Promise<AgentScopeReview | null> {
  const agent = await db.agent.findUnique({
    where: { id: agentId },
    select: { id: true, name: true, kind: true, status: true },
  });
  if (!agent) return null;
  const [access, usageByAgent] = await Promise.all([
    effectiveAccessOfAgent(db, agentId, now),
    toolUsage(db, now, agentId),
  ]);
  const usage = usageByAgent.get(agentId) ?? new Map<string, ToolUsage>();
  const assignmentIds = [...new Set(access.tools.flatMap((t) => t.via.map((v) => v.assignmentId)))];
  const created = new Map(
    (await db.assignment.findMany({ where: { id: { in: assignmentIds } }, select: { id: true, createdAt: true } })).map(
      (a) => [a.id, a.createdAt],
    ),
  );

  const servers = new Map<string, ServerScopeUsage>();
  const assignments = new Map<string, ReviewedAssignment>();
  for (const t of access.tools) {
    let server = servers.get(t.serverId);
    if (!server)
      servers.set(
        t.serverId,
        (server = {
          serverId: t.serverId,
          serverName: t.serverName,
          granted: 0,
          used30: 0,
          used90: 0,
          assignments: [],
        }),
      );
    const u = usage.get(t.toolId);
    const reviewed: ReviewedTool = {
      toolId: t.toolId,
      toolName: t.toolName,
      scope: t.scope,
      risk: t.risk,
      calls30: u?.calls30 ?? 0,
      calls90: u?.calls90 ?? 0,
      lastUsedAt: u?.lastUsedAt ?? null,
    };
    server.granted++;
    if (reviewed.calls30 > 0) server.used30++;
    if (reviewed.calls90 > 0) server.used90++;
    for (const path of t.via) {
      let a = assignments.get(path.assignmentId);
      if (!a) {
        const createdAt = created.get(path.assignmentId) ?? now;
        a = {
          assignmentId: path.assignmentId,
          entitlementId: path.entitlementId,
          entitlementName: path.entitlementName,
          createdAt,
          expiresAt: path.expiresAt,
          tools: [],
          unusedToolIds: [],
          tooNewToJudge: createdAt.getTime() > now.getTime() - USAGE_WINDOW_DAYS * DAY_MS,
        };
        assignments.set(path.assignmentId, a);
        server.assignments.push(a);
      }
      a.tools.push(reviewed);
      if (reviewed.calls90 === 0) a.unusedToolIds.push(t.toolId);
    }
  }
  const totals = summarise(access, usage);
  return {
    agent,
    ...totals,
    excessPercent: percentOf(totals.granted - totals.used90, totals.granted),
    servers: [...servers.values()],
  };
}
