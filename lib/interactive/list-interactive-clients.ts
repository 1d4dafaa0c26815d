import type { Db } from "@/lib/db/client";
import type { AgentStatus } from "@/lib/db/generated/sqlite/enums";
import { isLocalRedirect, splitRedirectUris } from "./redirect-uris";

export interface InteractiveClientSummary {
  id: string;
  name: string;
  clientId: string;
  status: AgentStatus;
  registration: string | null;
  redirectUris: string[];
  /** Any redirect URI on localhost: any program on the person's machine could pose as the client. */
  localRedirect: boolean;
  /** Distinct people with a live session through it, and those sessions. */
  people: number;
  liveSessions: number;
  createdAt: Date;
}

/** The Agents page's interactive clients: pending approval first, with who uses them now. */
export async function listInteractiveClients(
  db: Db,
  now = new Date(),
  take = 100,
): Promise<{ clients: InteractiveClientSummary[]; pending: number; total: number }> {
  const [agents, pending, total] = await Promise.all([
    db.agent.findMany({
      where: { kind: "interactive", status: { not: "retired" } },
      orderBy: [{ approvedAt: { sort: "asc", nulls: "first" } }, { name: "asc" }],
      take,
      select: {
        id: true,
        name: true,
        clientId: true,
        status: true,
        registration: true,
        redirectUris: true,
        createdAt: true,
      },
    }),
    db.agent.count({ where: { kind: "interactive", status: "pending" } }),
    db.agent.count({ where: { kind: "interactive", status: { not: "retired" } } }),
  ]);
  const live = agents.length
    ? await db.agentSession.groupBy({
        by: ["agentId", "userId"],
        where: { agentId: { in: agents.map((a) => a.id) }, status: "active", expiresAt: { gt: now } },
        _count: { _all: true },
      })
    : [];
  const clients = agents.map((a) => {
    const mine = live.filter((l) => l.agentId === a.id);
    const uris = splitRedirectUris(a.redirectUris);
    return {
      ...a,
      redirectUris: uris,
      localRedirect: uris.some(isLocalRedirect),
      people: mine.filter((l) => l.userId !== null).length,
      liveSessions: mine.reduce((n, l) => n + l._count._all, 0),
    };
  });
  // Pending approval first, then by name.
  clients.sort(
    (x, y) =>
      Number(y.status === "pending") - Number(x.status === "pending") ||
      (x.name < y.name ? -1 : x.name > y.name ? 1 : 0),
  );
  return { clients, pending, total };
}
