import type { Db } from "@/lib/db/client";
import type { Risk } from "./effective-access";

export interface GrantableServer {
  id: string;
  name: string;
  tools: { id: string; name: string; title: string | null; scope: string; risk: Risk }[];
}

/** Servers with their approved tools: what the entitlement form may offer. Pending and rejected tools are never offered. */
export async function grantableCatalog(db: Db): Promise<GrantableServer[]> {
  const servers = await db.mcpServer.findMany({
    orderBy: { name: "asc" },
    select: {
      id: true,
      name: true,
      tools: {
        where: { status: "approved" },
        orderBy: { name: "asc" },
        select: { id: true, name: true, title: true, scope: true, risk: true },
      },
    },
  });
  return servers.map((s) => ({ ...s, tools: s.tools.map((t) => ({ ...t, risk: t.risk as Risk })) }));
}
