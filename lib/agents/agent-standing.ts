import type { Db, Tx } from "@/lib/db/client";

/** Why an agent reaches nothing although it holds grants: it was suspended or retired, when, by whom, and why. */
export interface InactiveStanding {
  agentId: string;
  status: "suspended" | "retired";
  since: Date | null;
  by: string | null;
  reason: string | null;
}

/**
 * The standing of the given agents that are suspended or retired (active and
 * pending agents are left out): the token service refuses them, so whatever
 * access they hold is not reachable. The reason and who decided come from the
 * state change's own audit event, the one place they are recorded.
 */
export async function inactiveStandings(
  db: Db | Tx,
  agentIds: readonly string[],
): Promise<Map<string, InactiveStanding>> {
  const out = new Map<string, InactiveStanding>();
  const ids = [...new Set(agentIds)];
  if (ids.length === 0) return out;
  const agents = await db.agent.findMany({
    where: { id: { in: ids }, status: { in: ["suspended", "retired"] } },
    select: { id: true, status: true, suspendedAt: true, retiredAt: true },
  });
  if (agents.length === 0) return out;
  const events = await db.auditEvent.findMany({
    where: {
      targetType: "agent",
      targetId: { in: agents.map((a) => a.id) },
      action: { in: ["agent.suspended", "agent.retired"] },
    },
    orderBy: { occurredAt: "desc" },
    select: { targetId: true, action: true, actorLabel: true, reason: true },
  });
  for (const a of agents) {
    const status = a.status as "suspended" | "retired";
    const event = events.find((e) => e.targetId === a.id && e.action === `agent.${status}`);
    out.set(a.id, {
      agentId: a.id,
      status,
      since: status === "retired" ? a.retiredAt : a.suspendedAt,
      by: event?.actorLabel ?? null,
      reason: event?.reason ?? null,
    });
  }
  return out;
}

export async function inactiveStanding(db: Db | Tx, agentId: string): Promise<InactiveStanding | null> {
  return (await inactiveStandings(db, [agentId])).get(agentId) ?? null;
}

/** Whether a call made at `at` came after the agent was suspended or retired: such an allowed call is an anomaly. */
export function callAfterStanding(standing: InactiveStanding | undefined, at: Date): boolean {
  return !!standing?.since && at.getTime() >= standing.since.getTime();
}

/**
 * Flags tool-call events (gateway and introspection) made by agents that are suspended or retired now: "after"
 * when the call came after the state change — an allowed call then is an anomaly to look into.
 */
export async function inactiveAgentCallFlags(
  db: Db | Tx,
  events: readonly { id: string; action: string; actorType: string; actorId: string | null; occurredAt: Date }[],
): Promise<Map<string, { status: InactiveStanding["status"]; after: boolean }>> {
  const calls = events.filter((e) => e.action.startsWith("tool.") && e.actorType === "agent" && e.actorId);
  const standings = await inactiveStandings(
    db,
    calls.map((e) => e.actorId!),
  );
  const flags = new Map<string, { status: InactiveStanding["status"]; after: boolean }>();
  for (const e of calls) {
    const standing = standings.get(e.actorId!);
    if (standing) flags.set(e.id, { status: standing.status, after: callAfterStanding(standing, e.occurredAt) });
  }
  return flags;
}
