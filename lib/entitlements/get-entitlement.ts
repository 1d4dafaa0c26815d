import type { Db } from "@/lib/db/client";
import type { ToolStatus } from "@/lib/db/generated/sqlite/enums";
import { highestRisk, type Risk } from "./effective-access";

export interface EntitlementDetail {
  id: string;
  name: string;
  description: string | null;
  server: { id: string; name: string; resourceUri: string };
  maxSessionSeconds: number;
  reauthIntervalSeconds: number | null;
  tools: { id: string; name: string; title: string | null; scope: string; risk: Risk; status: ToolStatus }[];
  /** Highest risk among its approved tools (null when none is approved). */
  risk: Risk | null;
  createdAt: Date;
  updatedAt: Date;
}

export async function getEntitlement(db: Db, entitlementId: string): Promise<EntitlementDetail | null> {
  const e = await db.entitlement.findUnique({
    where: { id: entitlementId },
    include: {
      server: { select: { id: true, name: true, resourceUri: true } },
      tools: {
        select: { tool: { select: { id: true, name: true, title: true, scope: true, risk: true, status: true } } },
      },
    },
  });
  if (!e) return null;
  const tools = e.tools
    .map((t) => ({ ...t.tool, risk: t.tool.risk as Risk }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return {
    id: e.id,
    name: e.name,
    description: e.description,
    server: e.server,
    maxSessionSeconds: e.maxSessionSeconds,
    reauthIntervalSeconds: e.reauthIntervalSeconds,
    tools,
    risk: highestRisk(tools.filter((t) => t.status === "approved")),
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}
