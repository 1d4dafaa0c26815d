import type { Db } from "@/lib/db/client";
import type { DrillOutcome, DrillPoint, DrillReport } from "./drill-result";

/** Drills newest first, of one server or all. */
export async function listDrills(db: Db, opts: { serverId?: string; limit: number }): Promise<DrillReport[]> {
  const rows = await db.revocationDrill.findMany({
    where: opts.serverId ? { serverId: opts.serverId } : {},
    orderBy: { startedAt: "desc" },
    take: opts.limit,
  });
  return rows.map((r) => ({
    ...r,
    outcome: r.outcome as DrillOutcome,
    results: (r.results ?? []) as unknown as DrillPoint[],
  }));
}
