import type { Db } from "@/lib/db/client";

export interface OwnerlessAgent {
  id: string;
  name: string;
  status: "pending" | "active" | "suspended" | "retired";
  kind: "autonomous" | "delegated" | "interactive";
  ownerlessSince: Date;
  /** The person who left (kept on the agent until it is reassigned). */
  formerOwner: { id: string; email: string; displayName: string } | null;
  /** When the sweeper suspends it, if still active and not reassigned. */
  suspendsAt: Date | null;
}

/** The offboarding queue: agents whose owner left, oldest first. */
export async function listOwnerlessAgents(db: Db, graceMs: number, take = 500): Promise<OwnerlessAgent[]> {
  const rows = await db.agent.findMany({
    where: { ownerlessSince: { not: null }, status: { not: "retired" } },
    orderBy: [{ ownerlessSince: "asc" }, { id: "asc" }],
    take,
    select: {
      id: true,
      name: true,
      status: true,
      kind: true,
      ownerlessSince: true,
      owner: { select: { id: true, email: true, displayName: true } },
    },
  });
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    status: r.status,
    kind: r.kind,
    ownerlessSince: r.ownerlessSince!,
    formerOwner: r.owner,
    suspendsAt: r.status === "active" ? new Date(r.ownerlessSince!.getTime() + graceMs) : null,
  }));
}
