import type { Db } from "@/lib/db/client";
import type { ToolRisk } from "@/lib/db/generated/sqlite/enums";

/** What the signed-in person may work on; a part they may not act on is neither counted nor read. */
export interface WorkScope {
  approveTools: boolean;
  manageAgents: boolean;
  /** The reviewer whose pending items count (reviews.decide), or null. */
  reviewerId: string | null;
  manageReviews: boolean;
}

export interface PendingTool {
  id: string;
  name: string;
  risk: ToolRisk;
  serverId: string;
  serverName: string;
  /** Pending because its definition changed since approval (re-approval), rather than new. */
  changed: boolean;
}

export interface WorkQueue {
  tools: { total: number; sample: PendingTool[] };
  /** Interactive clients (agents) waiting for an admin's approval. */
  clients: { total: number; sample: { id: string; name: string }[] };
  myReviews: number;
  /** Items in active campaigns nobody could be routed to: an admin reassigns them. */
  unroutedReviews: number;
}

const SAMPLE = 8;

/** The queue of pending work for one person: counts, and the first few of each with where to act on them. */
export async function workQueue(db: Db, scope: WorkScope): Promise<WorkQueue> {
  const pendingTool = { status: "pending" as const };
  const [toolTotal, tools, clientTotal, clients, myReviews, unroutedReviews] = await Promise.all([
    scope.approveTools ? db.tool.count({ where: pendingTool }) : 0,
    scope.approveTools
      ? db.tool.findMany({
          where: pendingTool,
          orderBy: [{ firstSeenAt: "asc" }, { id: "asc" }],
          take: SAMPLE,
          select: {
            id: true,
            name: true,
            risk: true,
            definitionChangedAt: true,
            server: { select: { id: true, name: true } },
          },
        })
      : [],
    scope.manageAgents ? db.agent.count({ where: { status: "pending" } }) : 0,
    scope.manageAgents
      ? db.agent.findMany({
          where: { status: "pending" },
          orderBy: { createdAt: "asc" },
          take: SAMPLE,
          select: { id: true, name: true },
        })
      : [],
    scope.reviewerId
      ? db.reviewItem.count({
          where: { reviewerId: scope.reviewerId, status: "pending", campaign: { status: "active" } },
        })
      : 0,
    scope.manageReviews
      ? db.reviewItem.count({ where: { reviewerId: null, status: "pending", campaign: { status: "active" } } })
      : 0,
  ]);
  return {
    tools: {
      total: toolTotal,
      sample: tools.map((t) => ({
        id: t.id,
        name: t.name,
        risk: t.risk,
        serverId: t.server.id,
        serverName: t.server.name,
        changed: t.definitionChangedAt !== null,
      })),
    },
    clients: { total: clientTotal, sample: clients },
    myReviews,
    unroutedReviews,
  };
}
