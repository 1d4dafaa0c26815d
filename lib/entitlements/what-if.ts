import type { Db, Tx } from "@/lib/db/client";
import { DomainError } from "@/lib/errors/domain-error";
import {
  effectiveAccessOfAgent,
  effectiveAccessOfUsers,
  intersectAccess,
  RISK_RANK,
  type EffectiveAccess,
  type ReachableTool,
} from "./effective-access";
import type {
  AffectedIdentity,
  ChangedTool,
  IdentityChange,
  ProposedChange,
  SessionLosingTools,
  WhatIfSummary,
} from "./proposed-change";

/**
 * What-if preview: who would gain or lose which tools if a change were made.
 *
 * How: the change is really written inside a database transaction, effective
 * access is computed before and after it with the very functions that decide
 * access everywhere else (effective-access.ts), and the transaction is then
 * always rolled back by throwing a private sentinel error that carries the
 * result out. An in-memory overlay would have to re-implement the grant
 * rules (expiry, ended assignments, excluded tools, approved tools, group
 * membership, the agent-for-user intersection) and would drift from them;
 * the rolled-back transaction cannot.
 *
 * Cost: on SQLite the transaction holds the write lock from the simulated
 * write until the rollback, i.e. during the "after" computation (tens of ms
 * for a large group); other writers wait for it, none are refused.
 */
export async function previewChange(db: Db, change: ProposedChange, now: Date = new Date()): Promise<WhatIfSummary> {
  try {
    await db.$transaction(
      async (tx) => {
        throw new RolledBack(await simulate(tx, change, now));
      },
      // A change to a large group recomputes every member twice.
      { timeout: 30_000, maxWait: 10_000 },
    );
  } catch (e) {
    if (e instanceof RolledBack) return e.summary;
    throw e;
  }
  // The callback always throws, so the transaction can never commit.
  throw new Error("what-if preview: transaction did not roll back");
}

/** The only way out of the preview's transaction: makes the rollback certain. */
class RolledBack extends Error {
  constructor(readonly summary: WhatIfSummary) {
    super("what-if preview rolled back");
    this.name = "RolledBack";
  }
}

interface Scope {
  entitlementId: string;
  serverId: string;
  agentIds: Set<string>;
  userIds: Set<string>;
}

type Identity =
  | { kind: "agent"; agentId: string }
  | { kind: "user"; userId: string }
  | { kind: "agent_for_user"; agentId: string; userId: string };

const keyOf = (i: Identity): string =>
  i.kind === "agent" ? `a:${i.agentId}` : i.kind === "user" ? `u:${i.userId}` : `p:${i.agentId}:${i.userId}`;

async function simulate(tx: Tx, change: ProposedChange, now: Date): Promise<WhatIfSummary> {
  const scope = await scopeOf(tx, change, now);

  // Agents already holding the entitlement: their own reach, and their reach for anyone, may move.
  const holders = await tx.assignment.findMany({
    where: {
      entitlementId: scope.entitlementId,
      principalType: "agent",
      endedAt: null,
      OR: [{ expiresAt: null }, { expiresAt: { gt: now } }],
    },
    select: { agentId: true },
  });
  for (const h of holders) if (h.agentId) scope.agentIds.add(h.agentId);

  // Live sessions on the entitlement's server (the only server whose tools change) of anyone affected.
  const sessions = await tx.agentSession.findMany({
    where: {
      status: "active",
      expiresAt: { gt: now },
      serverId: scope.serverId,
      OR: [{ agentId: { in: [...scope.agentIds] } }, { userId: { in: [...scope.userIds] } }],
    },
    select: {
      id: true,
      agentId: true,
      userId: true,
      scopes: true,
      toolIds: true,
      server: { select: { name: true, resourceUri: true } },
    },
  });

  const identities = new Map<string, Identity>();
  const add = (i: Identity) => identities.set(keyOf(i), i);
  for (const agentId of scope.agentIds) add({ kind: "agent", agentId });
  for (const userId of scope.userIds) add({ kind: "user", userId });
  for (const s of sessions)
    add(
      s.userId
        ? { kind: "agent_for_user", agentId: s.agentId, userId: s.userId }
        : { kind: "agent", agentId: s.agentId },
    );

  const before = await accessOf(tx, identities, now);
  await apply(tx, change, now);
  const after = await accessOf(tx, identities, now);

  const gains: { identity: Identity; tools: ReachableTool[] }[] = [];
  const losses: { identity: Identity; tools: ReachableTool[] }[] = [];
  for (const [key, identity] of identities) {
    const b = toolsById(before.get(key)),
      a = toolsById(after.get(key));
    const gained = [...a.values()].filter((t) => !b.has(t.toolId));
    const lost = [...b.values()].filter((t) => !a.has(t.toolId));
    if (gained.length) gains.push({ identity, tools: gained });
    if (lost.length) losses.push({ identity, tools: lost });
  }

  // A live session is revoked when it loses a tool it holds (what its tokens carry), as the reconciliation that
  // follows the real change does. Only what this change takes away counts: a tool already unreachable before is not its doing.
  const sessionsLosing: {
    id: string;
    agentId: string;
    userId: string | null;
    serverName: string;
    toolsLost: string[];
  }[] = [];
  for (const s of sessions) {
    const key = keyOf(
      s.userId
        ? { kind: "agent_for_user", agentId: s.agentId, userId: s.userId }
        : { kind: "agent", agentId: s.agentId },
    );
    const had = toolsById(before.get(key)),
      keeps = toolsById(after.get(key));
    const heldIds = s.toolIds.split(" ").filter(Boolean);
    // Sessions recorded before tools were: held what their scopes covered on that server.
    const scopes = new Set(s.scopes.split(" "));
    const held =
      heldIds.length > 0
        ? heldIds
        : [...had.values()]
            .filter((t) => t.resourceUri === s.server.resourceUri && scopes.has(t.scope))
            .map((t) => t.toolId);
    const toolsLost = held
      .filter((id) => had.has(id) && !keeps.has(id))
      .map((id) => had.get(id)!.toolName)
      .sort();
    if (toolsLost.length)
      sessionsLosing.push({ id: s.id, agentId: s.agentId, userId: s.userId, serverName: s.server.name, toolsLost });
  }

  const labels = await labelsOf(
    tx,
    [...gains, ...losses].map((c) => c.identity),
    sessionsLosing,
  );
  const describeChanges = (changes: typeof gains): IdentityChange[] =>
    changes
      .map((c) => ({ identity: labels.identity(c.identity), tools: c.tools.map(toChangedTool).sort(byRiskThenName) }))
      .sort(
        (x, y) => x.identity.kind.localeCompare(y.identity.kind) || x.identity.label.localeCompare(y.identity.label),
      );
  const g = describeChanges(gains),
    l = describeChanges(losses);
  const sessionsLosingTools: SessionLosingTools[] = sessionsLosing.map((s) => ({
    sessionId: s.id,
    agent: { id: s.agentId, name: labels.agent(s.agentId) },
    user: s.userId ? { id: s.userId, displayName: labels.user(s.userId) } : null,
    serverName: s.serverName,
    toolsLost: s.toolsLost,
  }));
  return {
    gains: g,
    losses: l,
    sessionsLosingTools,
    counts: {
      identitiesGaining: g.length,
      identitiesLosing: l.length,
      toolsGained: g.reduce((n, c) => n + c.tools.length, 0),
      toolsLost: l.reduce((n, c) => n + c.tools.length, 0),
      sessions: sessionsLosingTools.length,
    },
  };
}

/** The entitlement a change touches and the principals it touches directly (a group stands for its members). */
async function scopeOf(tx: Tx, change: ProposedChange, now: Date): Promise<Scope> {
  const scope = (entitlementId: string, serverId: string): Scope => ({
    entitlementId,
    serverId,
    agentIds: new Set(),
    userIds: new Set(),
  });
  const addPrincipal = async (s: Scope, type: "agent" | "user" | "group", id: string) => {
    if (type === "agent") s.agentIds.add(id);
    else if (type === "user") s.userIds.add(id);
    else
      for (const m of await tx.groupMembership.findMany({ where: { groupId: id }, select: { userId: true } }))
        s.userIds.add(m.userId);
  };

  switch (change.kind) {
    case "assign": {
      const entitlement = await tx.entitlement.findUnique({
        where: { id: change.entitlementId },
        select: { id: true, serverId: true },
      });
      if (!entitlement) throw new DomainError("not_found", "That entitlement no longer exists.", "entitlementId");
      const exists =
        change.principalType === "agent"
          ? await tx.agent.count({ where: { id: change.principalId } })
          : change.principalType === "user"
            ? await tx.user.count({ where: { id: change.principalId } })
            : await tx.group.count({ where: { id: change.principalId } });
      if (!exists) throw new DomainError("not_found", `That ${change.principalType} no longer exists.`, "principalId");
      const s = scope(entitlement.id, entitlement.serverId);
      await addPrincipal(s, change.principalType, change.principalId);
      return s;
    }
    case "end_assignment": {
      const a = await tx.assignment.findUnique({
        where: { id: change.assignmentId },
        select: {
          endedAt: true,
          principalType: true,
          agentId: true,
          userId: true,
          groupId: true,
          entitlement: { select: { id: true, serverId: true } },
        },
      });
      if (!a) throw new DomainError("not_found", "That assignment no longer exists.", "assignmentId");
      if (a.endedAt) throw new DomainError("conflict", "That assignment has already ended.", "assignmentId");
      const s = scope(a.entitlement.id, a.entitlement.serverId);
      await addPrincipal(s, a.principalType, (a.agentId ?? a.userId ?? a.groupId)!);
      return s;
    }
    case "set_entitlement_tools": {
      const entitlement = await tx.entitlement.findUnique({
        where: { id: change.entitlementId },
        select: { id: true, serverId: true },
      });
      if (!entitlement) throw new DomainError("not_found", "That entitlement no longer exists.", "entitlementId");
      const wanted = [...new Set(change.toolIds)];
      const onServer = await tx.tool.count({ where: { id: { in: wanted }, serverId: entitlement.serverId } });
      if (onServer !== wanted.length)
        throw new DomainError("invalid", "Every tool must belong to the entitlement's MCP server.", "toolIds");
      const s = scope(entitlement.id, entitlement.serverId);
      const live = await tx.assignment.findMany({
        where: { entitlementId: entitlement.id, endedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
        select: { principalType: true, agentId: true, userId: true, groupId: true },
      });
      for (const a of live) await addPrincipal(s, a.principalType, (a.agentId ?? a.userId ?? a.groupId)!);
      return s;
    }
  }
}

/** The simulated write; only ever runs inside the preview's doomed transaction. */
async function apply(tx: Tx, change: ProposedChange, now: Date): Promise<void> {
  switch (change.kind) {
    case "assign":
      await tx.assignment.create({
        data: {
          entitlementId: change.entitlementId,
          principalType: change.principalType,
          agentId: change.principalType === "agent" ? change.principalId : null,
          userId: change.principalType === "user" ? change.principalId : null,
          groupId: change.principalType === "group" ? change.principalId : null,
          expiresAt: change.expiresAt ? new Date(change.expiresAt) : null,
          justification: "What-if preview (never saved)",
        },
      });
      return;
    case "end_assignment":
      await tx.assignment.update({
        where: { id: change.assignmentId },
        data: { endedAt: now, endedReason: "What-if preview" },
      });
      return;
    case "set_entitlement_tools":
      await tx.entitlementTool.deleteMany({ where: { entitlementId: change.entitlementId } });
      if (change.toolIds.length) {
        await tx.entitlementTool.createMany({
          data: [...new Set(change.toolIds)].map((toolId) => ({ entitlementId: change.entitlementId, toolId })),
        });
      }
      return;
  }
}

async function accessOf(tx: Tx, identities: Map<string, Identity>, now: Date): Promise<Map<string, EffectiveAccess>> {
  const agentIds = new Set<string>(),
    userIds = new Set<string>();
  for (const i of identities.values()) {
    if (i.kind !== "user") agentIds.add(i.agentId);
    if (i.kind !== "agent") userIds.add(i.userId);
  }
  // People in one batch (a group can have hundreds of members); agents are few per change.
  const users = await effectiveAccessOfUsers(tx, [...userIds], now);
  const agents = new Map<string, EffectiveAccess>();
  for (const agentId of agentIds) agents.set(agentId, await effectiveAccessOfAgent(tx, agentId, now));
  const result = new Map<string, EffectiveAccess>();
  for (const [key, i] of identities) {
    result.set(
      key,
      i.kind === "agent"
        ? agents.get(i.agentId)!
        : i.kind === "user"
          ? users.get(i.userId)!
          : intersectAccess(agents.get(i.agentId)!, users.get(i.userId)!),
    );
  }
  return result;
}

function toolsById(access: EffectiveAccess | undefined): Map<string, ReachableTool> {
  return new Map((access?.tools ?? []).map((t) => [t.toolId, t]));
}

function toChangedTool(t: ReachableTool): ChangedTool {
  return { toolId: t.toolId, toolName: t.toolName, serverName: t.serverName, scope: t.scope, risk: t.risk };
}

function byRiskThenName(a: ChangedTool, b: ChangedTool): number {
  return RISK_RANK[b.risk] - RISK_RANK[a.risk] || a.toolName.localeCompare(b.toolName);
}

async function labelsOf(tx: Tx, identities: Identity[], sessions: { agentId: string; userId: string | null }[]) {
  const agentIds = new Set<string>(),
    userIds = new Set<string>();
  for (const i of identities) {
    if (i.kind !== "user") agentIds.add(i.agentId);
    if (i.kind !== "agent") userIds.add(i.userId);
  }
  for (const s of sessions) {
    agentIds.add(s.agentId);
    if (s.userId) userIds.add(s.userId);
  }
  const [agents, users] = await Promise.all([
    tx.agent.findMany({ where: { id: { in: [...agentIds] } }, select: { id: true, name: true } }),
    tx.user.findMany({ where: { id: { in: [...userIds] } }, select: { id: true, displayName: true } }),
  ]);
  const agentName = new Map(agents.map((a) => [a.id, a.name]));
  const userName = new Map(users.map((u) => [u.id, u.displayName]));
  const agent = (id: string) => agentName.get(id) ?? id;
  const user = (id: string) => userName.get(id) ?? id;
  return {
    agent,
    user,
    identity(i: Identity): AffectedIdentity {
      if (i.kind === "agent") return { kind: "agent", agentId: i.agentId, label: agent(i.agentId) };
      if (i.kind === "user") return { kind: "user", userId: i.userId, label: user(i.userId) };
      return {
        kind: "agent_for_user",
        agentId: i.agentId,
        userId: i.userId,
        label: `${agent(i.agentId)} for ${user(i.userId)}`,
      };
    },
  };
}
