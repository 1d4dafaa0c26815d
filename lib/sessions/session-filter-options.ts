import type { Db } from "@/lib/db/client";

/** Filter pickers list this many names at most (the search box reaches the rest). */
export const PICKER_LIMIT = 5000;

/** The agents and servers the Sessions page's filters offer, by name. */
export async function sessionFilterOptions(db: Db) {
  const [agents, servers] = await Promise.all([
    db.agent.findMany({ orderBy: { name: "asc" }, take: PICKER_LIMIT, select: { id: true, name: true, status: true } }),
    db.mcpServer.findMany({ orderBy: { name: "asc" }, take: PICKER_LIMIT, select: { id: true, name: true } }),
  ]);
  return { agents, servers };
}
