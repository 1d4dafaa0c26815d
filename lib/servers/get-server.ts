import type { Db } from "@/lib/db/client";
import type { ArgumentLogging, EnforcementMode, ToolRisk, ToolStatus } from "@/lib/db/generated/sqlite/enums";
import { definitionOf, type ToolDefinition } from "./tool-definition";
import { toolDefinitionHash } from "./tool-definition-hash";

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
  /**
   * Its approved definition changed upstream and the approval was withdrawn: "definition changed — pending
   * re-approval". Then `approvedDefinition` is what was approved and `definition` what the server lists now.
   */
  definitionChanged: { at: string; approvedDefinition: ToolDefinition } | null;
  /** The definition on record (what the server last listed) and its hash, which an approval sends back. */
  definition: ToolDefinition;
  definitionHash: string;
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
  /** Native servers: declared to introspect every token (a revocation reaches it at its next call). */
  introspects: boolean;
  owner: { id: string; displayName: string; email: string } | null;
  lastSyncedAt: string | null;
  createdAt: string;
  entitlementCount: number;
  tools: ServerTool[];
};

const STATUS_ORDER: Record<ToolStatus, number> = { pending: 0, approved: 1, rejected: 2, removed: 3 };
/** Changed definitions first: an agent relied on them, and they are held until decided. */
const rank = (t: { status: ToolStatus; definitionChangedAt: Date | null }) =>
  t.status === "pending" && t.definitionChangedAt ? -1 : STATUS_ORDER[t.status];

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
    introspects: rest.introspects,
    owner: rest.owner,
    lastSyncedAt: rest.lastSyncedAt?.toISOString() ?? null,
    createdAt: rest.createdAt.toISOString(),
    entitlementCount: _count.entitlements,
    // Pending first: they are what an admin opens this page to deal with.
    tools: tools
      .sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name))
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
        definitionChanged:
          t.status === "pending" && t.definitionChangedAt
            ? {
                at: t.definitionChangedAt.toISOString(),
                approvedDefinition: (t.approvedDefinition as ToolDefinition | null) ?? {
                  title: null,
                  description: null,
                  inputSchema: null,
                },
              }
            : null,
        definition: definitionOf(t),
        definitionHash: toolDefinitionHash(t),
      })),
  };
}
