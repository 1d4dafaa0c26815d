import type { Db } from "@/lib/db/client";
import type { ArgumentLogging, EnforcementMode, ToolRisk, ToolStatus } from "@/lib/db/generated/sqlite/enums";

export type ServerTool = {
  id: string;
  name: string;
  title: string | null;
  description: string | null;
  risk: ToolRisk;
  scope: string;
  status: ToolStatus;
  firstSeenAt: string;
  lastSeenAt: string;
};

/**
 * A server with its tools, as the console shows it. Safe to hand to the
 * browser: the upstream credential is reduced to whether one is stored.
 */
export type ServerDetail = {
  id: string;
  name: string;
  slug: string;
  description: string | null;
  category: string | null;
  resourceUri: string;
  authorizationServerIssuer: string | null;
  enforcementMode: EnforcementMode;
  upstreamUrl: string | null;
  hasUpstreamCredential: boolean;
  argumentLogging: ArgumentLogging;
  owner: { id: string; displayName: string; email: string } | null;
  lastSyncedAt: string | null;
  createdAt: string;
  entitlementCount: number;
  tools: ServerTool[];
};

const STATUS_ORDER: Record<ToolStatus, number> = { pending: 0, approved: 1, rejected: 2, removed: 3 };

export async function getServer(db: Db, id: string): Promise<ServerDetail | null> {
  const server = await db.mcpServer.findUnique({
    where: { id },
    include: {
      owner: { select: { id: true, displayName: true, email: true } },
      tools: { orderBy: { name: "asc" } },
      _count: { select: { entitlements: true } },
    },
  });
  if (!server) return null;
  const { upstreamCredentialEnc, tools, _count, ...rest } = server;
  return {
    id: rest.id,
    name: rest.name,
    slug: rest.slug,
    description: rest.description,
    category: rest.category,
    resourceUri: rest.resourceUri,
    authorizationServerIssuer: rest.authorizationServerIssuer,
    enforcementMode: rest.enforcementMode,
    upstreamUrl: rest.upstreamUrl,
    hasUpstreamCredential: upstreamCredentialEnc !== null,
    argumentLogging: rest.argumentLogging,
    owner: rest.owner,
    lastSyncedAt: rest.lastSyncedAt?.toISOString() ?? null,
    createdAt: rest.createdAt.toISOString(),
    entitlementCount: _count.entitlements,
    // Pending first: they are what an admin opens this page to deal with.
    tools: tools
      .sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.name.localeCompare(b.name))
      .map((t) => ({
        id: t.id,
        name: t.name,
        title: t.title,
        description: t.description,
        risk: t.risk,
        scope: t.scope,
        status: t.status,
        firstSeenAt: t.firstSeenAt.toISOString(),
        lastSeenAt: t.lastSeenAt.toISOString(),
      })),
  };
}
