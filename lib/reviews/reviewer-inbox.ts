import { inactiveStandings, type InactiveStanding } from "@/lib/agents/agent-standing";
import type { Db } from "@/lib/db/client";
import { liveHolderCounts, liveHolderSamples, toolCallsOf } from "@/lib/db/stores/reviews";
import type { Risk } from "@/lib/entitlements/risk";
import { parseSnapshot, type ItemSnapshot } from "./item-snapshot";
import { recommend, type Recommendation } from "./recommendation";

const DAY_MS = 86_400_000;
export const INBOX_PAGE_SIZE = 50;

export interface InboxTool {
  toolId: string;
  name: string;
  risk: Risk;
  calls30: number;
  calls90: number;
}

export interface InboxItem {
  id: string;
  campaignId: string;
  campaignName: string;
  campaignKind: string;
  dueAt: Date;
  level: number;
  risk: Risk;
  status: string;
  snapshot: ItemSnapshot;
  reassignNote: string | null;
  firstDecision: { status: string; justification: string | null } | null;
  /** Usage by the subject (agent: its calls; person: calls made for them). Null for groups. */
  lastUsedAt: Date | null;
  tools: InboxTool[];
  used30: number;
  used90: number;
  peers: { count: number; sample: string[] };
  /** The holder is an agent suspended or retired since the grant: it reaches nothing now. */
  holderStanding: InactiveStanding | null;
  /** What the usage evidence suggests (null: no advice). */
  recommendation: Recommendation | null;
  /** The reviewer's own decision, for decided items (it can be taken back until the campaign closes). */
  decision: { status: string; justification: string | null; decidedAt: Date | null } | null;
}

export interface InboxPage {
  items: InboxItem[];
  nextCursor: string | null;
  pending: number;
}

/**
 * One page of a reviewer's items with the evidence to decide: the grant as
 * snapshotted, its use in 30/90 days per tool (from tool.called events), last
 * use, and peers holding the same entitlement. Keyset-paged on the item id
 * (index reviewerId, status, id); three queries for the evidence whatever the
 * page holds.
 */
export async function reviewerInbox(
  db: Db,
  reviewerId: string,
  opts: {
    status?: "pending" | "decided";
    cursor?: string | null;
    campaignId?: string;
    take?: number;
    now?: Date;
    evidence?: boolean;
  } = {},
): Promise<InboxPage> {
  const now = opts.now ?? new Date();
  const take = opts.take ?? INBOX_PAGE_SIZE;
  const statusWhere = opts.status === "decided" ? { not: "pending" as const } : ("pending" as const);
  const base = {
    reviewerId,
    status: statusWhere,
    campaign: { status: "active" as const },
    ...(opts.campaignId ? { campaignId: opts.campaignId } : {}),
  };
  const [rows, pending] = await Promise.all([
    db.reviewItem.findMany({
      where: { ...base, ...(opts.cursor ? { id: { gt: opts.cursor } } : {}) },
      orderBy: { id: "asc" },
      take: take + 1,
      select: {
        id: true,
        campaignId: true,
        level: true,
        risk: true,
        status: true,
        snapshot: true,
        reassignNote: true,
        firstDecision: true,
        justification: true,
        decidedAt: true,
        campaign: { select: { name: true, kind: true, dueAt: true } },
      },
    }),
    db.reviewItem.count({ where: { reviewerId, status: "pending", campaign: { status: "active" } } }),
  ]);
  const page = rows.slice(0, take);
  const snaps = page.map((r) => parseSnapshot(r.snapshot));
  const since90 = new Date(now.getTime() - 90 * DAY_MS);
  const since30 = new Date(now.getTime() - 30 * DAY_MS);
  const agentIds = [...new Set(snaps.filter((s) => s.principalType === "agent").map((s) => s.principalId))];
  const userIds = [...new Set(snaps.filter((s) => s.principalType === "user").map((s) => s.principalId))];
  const entitlementIds = [...new Set(snaps.map((s) => s.entitlementId))];
  // A list of decided items (evidence: false) shows the decision, not the evidence: its usage and peer reads are skipped.
  const evidence = opts.evidence !== false;
  const [agentUse, userUse, peerCounts, peerSamples, standings] = await Promise.all([
    evidence ? toolCallsOf(db, "agent", agentIds, since90, since30) : [],
    evidence ? toolCallsOf(db, "person", userIds, since90, since30) : [],
    evidence ? liveHolderCounts(db, entitlementIds, now) : [],
    evidence ? liveHolderSamples(db, entitlementIds, now) : [],
    inactiveStandings(db, agentIds),
  ]);
  const usage = new Map<string, { calls30: number; calls90: number; last: Date | null }>();
  for (const [kind, list] of [
    ["agent", agentUse],
    ["user", userUse],
  ] as const) {
    for (const r of list)
      usage.set(`${kind} ${r.subject} ${r.toolId}`, { calls30: r.calls30, calls90: r.calls90, last: r.lastUsedAt });
  }
  const peersOf = new Map<string, { count: number; sample: string[] }>();
  for (const r of peerCounts) peersOf.set(r.entitlementId, { count: r.total, sample: [] });
  for (const r of peerSamples) peersOf.get(r.entitlementId)?.sample.push(r.label);
  const items = page.map((r, i): InboxItem => {
    const s = snaps[i]!;
    let last: Date | null = null;
    const tools = s.tools.map((t) => {
      const u = s.principalType === "group" ? undefined : usage.get(`${s.principalType} ${s.principalId} ${t.toolId}`);
      if (u?.last && (!last || u.last > last)) last = u.last;
      return { toolId: t.toolId, name: t.name, risk: t.risk, calls30: u?.calls30 ?? 0, calls90: u?.calls90 ?? 0 };
    });
    const p = peersOf.get(s.entitlementId) ?? { count: 0, sample: [] };
    const others = p.sample.filter((l) => l !== s.principalLabel).slice(0, 5);
    const standing = s.principalType === "agent" ? (standings.get(s.principalId) ?? null) : null;
    const first = r.firstDecision as { status?: string; justification?: string | null } | null;
    return {
      id: r.id,
      campaignId: r.campaignId,
      campaignName: r.campaign.name,
      campaignKind: r.campaign.kind,
      dueAt: r.campaign.dueAt,
      level: r.level,
      risk: r.risk,
      status: r.status,
      snapshot: s,
      reassignNote: r.reassignNote,
      firstDecision: first?.status ? { status: first.status, justification: first.justification ?? null } : null,
      lastUsedAt: last,
      tools,
      used30: tools.filter((t) => t.calls30 > 0).length,
      used90: tools.filter((t) => t.calls90 > 0).length,
      peers: { count: Math.max(0, p.count - 1), sample: others },
      holderStanding: standing,
      recommendation: !evidence
        ? null
        : recommend({
            principalType: s.principalType,
            holderStatus: standing?.status ?? null,
            grantedAt: new Date(s.grantedAt),
            tools,
            now,
          }),
      decision:
        r.status === "pending" ? null : { status: r.status, justification: r.justification, decidedAt: r.decidedAt },
    };
  });
  return { items, nextCursor: rows.length > take ? (page[page.length - 1]?.id ?? null) : null, pending };
}
