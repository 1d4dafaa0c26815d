import type { Db } from "@/lib/db/client";
import { DRILL_CLIENT_ID } from "@/lib/drills/drill-agent";
import { drillSettings } from "@/lib/drills/drill-settings";
import { enforcementPathOf, ENFORCEMENT_PATH_LABELS, type EnforcementPath } from "./enforcement-path";

/** A drill older than this no longer proves anything about today. */
export const PROOF_MAX_AGE_DAYS = 7;
/** The traffic window of the map and the overview's share. */
export const TRAFFIC_DAYS = 30;
const DAY_MS = 86_400_000;

export interface CoverageReceiver {
  id: string;
  name: string;
  url: string;
  enabled: boolean;
  lastDeliveredAt: Date | null;
  /** The last delivery attempt's outcome: acknowledged, pending or failed (with why). */
  lastStatus: "delivered" | "pending" | "failed" | null;
  lastError: string | null;
}

export interface CoverageDrill {
  id: string;
  at: Date;
  outcome: "passed" | "failed";
  slowestMs: number | null;
  targetMs: number;
  reason: string;
}

export interface CoverageRow {
  /** Null for an unmanaged server (not registered). */
  serverId: string | null;
  name: string;
  /** The registered resource URI, or the one agents asked for. */
  resourceUri: string;
  path: EnforcementPath | "unmanaged";
  pathLabel: string;
  receivers: CoverageReceiver[];
  lastDrill: CoverageDrill | null;
  /** How long a revocation takes to reach it, in words: measured, or bounded by token lifetime. */
  revocationTime: string;
  /** The latest drill passed within the target and is recent. */
  proven: boolean;
  agents: { id: string; name: string }[];
  people: number;
  /** Tool calls in TRAFFIC_DAYS (gateway: seen; native: tokens minted, each used for at least one call; unmanaged: token requests refused). */
  traffic: number;
  trafficBasis: "tool_calls" | "tokens_minted" | "token_requests";
  /** What is missing for full control; empty when nothing is. */
  missing: string[];
}

export interface CoverageMap {
  generatedAt: Date;
  targetMs: number;
  rows: CoverageRow[];
  /** Share of agent traffic on paths where revocation is proven within the target (0–100, one decimal); null with no traffic. */
  provenTrafficPercent: number | null;
  totalTraffic: number;
  /** Registered servers whose latest drill failed: the overview's alert. */
  failingDrills: { serverId: string; name: string; at: Date; reason: string }[];
}

/**
 * The enforcement coverage map: every registered MCP server with how a
 * revocation reaches it, the latest measured proof, who can reach it and what
 * is missing; plus servers agents asked Mandate for that are not registered
 * (unmanaged). The overview's figure is the share of the window's traffic on
 * servers whose latest revocation drill passed within the target.
 */
export async function coverageMap(db: Db, now = new Date(), targetMs = drillSettings().targetMs): Promise<CoverageMap> {
  const since = new Date(now.getTime() - TRAFFIC_DAYS * DAY_MS);
  const [servers, drillAgent] = await Promise.all([
    db.mcpServer.findMany({
      orderBy: { name: "asc" },
      select: {
        id: true,
        name: true,
        resourceUri: true,
        enforcementMode: true,
        introspects: true,
        receivers: { select: { id: true, name: true, url: true, enabled: true }, orderBy: { createdAt: "asc" } },
      },
    }),
    db.agent.findUnique({ where: { clientId: DRILL_CLIENT_ID }, select: { id: true } }),
  ]);
  const serverIds = servers.map((s) => s.id);
  const receiverIds = servers.flatMap((s) => s.receivers.map((r) => r.id));

  const [drills, assignments, toolCalls, mints, refusals, lastDeliveries] = await Promise.all([
    Promise.all(
      serverIds.map((id) => db.revocationDrill.findFirst({ where: { serverId: id }, orderBy: { startedAt: "desc" } })),
    ),
    db.assignment.findMany({
      where: {
        endedAt: null,
        OR: [{ expiresAt: null }, { expiresAt: { gt: now } }],
        entitlement: { serverId: { in: serverIds } },
      },
      select: {
        principalType: true,
        userId: true,
        groupId: true,
        entitlement: { select: { serverId: true } },
        agent: { select: { id: true, name: true, status: true } },
      },
    }),
    db.auditEvent.groupBy({
      by: ["targetId"],
      where: { action: "tool.called", occurredAt: { gte: since } },
      _count: { _all: true },
    }),
    db.auditEvent.groupBy({
      by: ["targetId"],
      where: {
        action: "token.minted",
        occurredAt: { gte: since },
        targetType: "mcp_server",
        ...(drillAgent ? { NOT: { actorId: drillAgent.id } } : {}),
      },
      _count: { _all: true },
    }),
    db.auditEvent.findMany({
      where: {
        action: "token.refused",
        occurredAt: { gte: since },
        reason: { contains: "not a registered MCP server" },
      },
      select: { detail: true },
    }),
    Promise.all(
      receiverIds.map((id) =>
        db.securityEventDelivery.findFirst({
          where: { receiverId: id },
          orderBy: { createdAt: "desc" },
          select: { status: true, deliveredAt: true, lastError: true },
        }),
      ),
    ),
  ]);

  // Tool calls are recorded per tool: which server each tool is on.
  const toolIds = toolCalls.map((t) => t.targetId).filter((id): id is string => id !== null);
  const tools = toolIds.length
    ? await db.tool.findMany({ where: { id: { in: toolIds } }, select: { id: true, serverId: true } })
    : [];
  const serverOfTool = new Map(tools.map((t) => [t.id, t.serverId]));
  const callsByServer = new Map<string, number>();
  for (const t of toolCalls) {
    const s = t.targetId ? serverOfTool.get(t.targetId) : undefined;
    if (s) callsByServer.set(s, (callsByServer.get(s) ?? 0) + t._count._all);
  }
  const mintsByServer = new Map(mints.map((m) => [m.targetId ?? "", m._count._all]));

  const groupIds = [...new Set(assignments.map((a) => a.groupId).filter((g): g is string => g !== null))];
  const members = groupIds.length
    ? await db.groupMembership.findMany({
        where: { groupId: { in: groupIds }, user: { active: true } },
        select: { groupId: true, userId: true },
      })
    : [];
  const membersOf = new Map<string, string[]>();
  for (const m of members) membersOf.set(m.groupId, [...(membersOf.get(m.groupId) ?? []), m.userId]);

  const deliveryOf = new Map(receiverIds.map((id, i) => [id, lastDeliveries[i] ?? null]));
  const rows: CoverageRow[] = servers.map((s, i) => {
    const path = enforcementPathOf(s, s.receivers.filter((r) => r.enabled).length);
    const d = drills[i];
    const lastDrill: CoverageDrill | null = d
      ? {
          id: d.id,
          at: d.startedAt,
          outcome: d.outcome as "passed" | "failed",
          slowestMs: d.slowestMs,
          targetMs: d.targetMs,
          reason: d.reason,
        }
      : null;
    const recent =
      d !== null && d !== undefined && now.getTime() - d.startedAt.getTime() <= PROOF_MAX_AGE_DAYS * DAY_MS;
    const proven = recent && d.outcome === "passed" && d.slowestMs !== null && d.slowestMs <= targetMs;
    const mine = assignments.filter((a) => a.entitlement.serverId === s.id);
    const agents = new Map<string, string>();
    const people = new Set<string>();
    for (const a of mine) {
      if (a.agent && a.agent.status === "active") agents.set(a.agent.id, a.agent.name);
      if (a.userId) people.add(a.userId);
      if (a.groupId) for (const u of membersOf.get(a.groupId) ?? []) people.add(u);
    }
    const receivers: CoverageReceiver[] = s.receivers.map((r) => {
      const last = deliveryOf.get(r.id) ?? null;
      return {
        ...r,
        lastDeliveredAt: last?.deliveredAt ?? null,
        lastStatus: last?.status ?? null,
        lastError: last?.lastError ?? null,
      };
    });
    const gateway = path === "gateway";
    const traffic = gateway ? (callsByServer.get(s.id) ?? 0) : (mintsByServer.get(s.id) ?? 0);
    return {
      serverId: s.id,
      name: s.name,
      resourceUri: s.resourceUri,
      path,
      pathLabel: ENFORCEMENT_PATH_LABELS[path],
      receivers,
      lastDrill,
      revocationTime: revocationTime(path, lastDrill),
      proven,
      agents: [...agents].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name)),
      people: people.size,
      traffic,
      trafficBasis: gateway ? "tool_calls" : "tokens_minted",
      missing: missingFor(path, receivers, lastDrill, recent, targetMs),
    };
  });

  // Unmanaged: resources agents asked Mandate for that are not registered (token.refused records them).
  const asked = new Map<string, number>();
  for (const r of refusals) {
    const resource = (r.detail as { unregistered_resource?: unknown } | null)?.unregistered_resource;
    if (typeof resource === "string") asked.set(resource, (asked.get(resource) ?? 0) + 1);
  }
  const registered = new Set(servers.map((s) => s.resourceUri));
  for (const [resource, count] of [...asked].sort(([a], [b]) => a.localeCompare(b))) {
    if (registered.has(resource)) continue;
    rows.push({
      serverId: null,
      name: hostOf(resource),
      resourceUri: resource,
      path: "unmanaged",
      pathLabel: ENFORCEMENT_PATH_LABELS.unmanaged,
      receivers: [],
      lastDrill: null,
      revocationTime: "Not governed: Mandate neither mints for it nor sees its calls",
      proven: false,
      agents: [],
      people: 0,
      traffic: count,
      trafficBasis: "token_requests",
      missing: [
        "Register it as an MCP server (gateway or native) so agents' access to it is granted, enforced and revocable",
      ],
    });
  }

  const totalTraffic = rows.reduce((n, r) => n + r.traffic, 0);
  const provenTraffic = rows.filter((r) => r.proven).reduce((n, r) => n + r.traffic, 0);
  return {
    generatedAt: now,
    targetMs,
    rows,
    totalTraffic,
    provenTrafficPercent: totalTraffic === 0 ? null : Math.round((provenTraffic / totalTraffic) * 1000) / 10,
    failingDrills: rows
      .filter(
        (r): r is CoverageRow & { serverId: string; lastDrill: CoverageDrill } =>
          r.serverId !== null && r.lastDrill?.outcome === "failed",
      )
      .map((r) => ({ serverId: r.serverId, name: r.name, at: r.lastDrill.at, reason: r.lastDrill.reason })),
  };
}

function hostOf(resource: string): string {
  try {
    return new URL(resource).host || resource;
  } catch {
    return resource;
  }
}

function revocationTime(path: EnforcementPath, drill: CoverageDrill | null): string {
  if (path === "native_jwt_only") return "Waits for the token to expire (up to its lifetime)";
  if (!drill) return "Not measured yet";
  if (drill.slowestMs === null) return "Not refused in the last drill";
  return `${drill.slowestMs} ms (last drill)`;
}

function missingFor(
  path: EnforcementPath,
  receivers: CoverageReceiver[],
  drill: CoverageDrill | null,
  recent: boolean,
  targetMs: number,
): string[] {
  const missing: string[] = [];
  if (path === "native_jwt_only")
    missing.push(
      "A revocation signal: give it a CAEP receiver, have it introspect tokens, or route it through the gateway",
    );
  for (const r of receivers) {
    if (!r.enabled) missing.push(`Receiver ${r.name} is disabled`);
    else if (r.lastStatus === "failed")
      missing.push(`Receiver ${r.name} is not accepting events${r.lastError ? ` (${r.lastError})` : ""}`);
  }
  if (!drill) missing.push("A revocation drill: none has run");
  else if (drill.outcome === "failed") missing.push("A passing revocation drill: the last one failed");
  else if (drill.slowestMs !== null && drill.slowestMs > targetMs)
    missing.push(`Revocation within ${targetMs} ms: the last drill took ${drill.slowestMs} ms`);
  else if (!recent) missing.push(`A recent revocation drill: the last is over ${PROOF_MAX_AGE_DAYS} days old`);
  return missing;
}
