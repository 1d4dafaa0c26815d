import type { Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/sqlite/client";
import type { EnforcementMode } from "@/lib/db/generated/sqlite/enums";
import { containsText } from "@/lib/db/stores/text-search";
import { keysetBy, type KeysetPage, loadKeysetPage, type PageRequest, stringKeyOf } from "@/lib/pagination/keyset";

export type ServerListItem = {
  id: string;
  name: string;
  slug: string;
  resourceUri: string;
  enforcementMode: EnforcementMode;
  /** Tools the server currently lists (tools it dropped are kept for history but not counted). */
  toolCount: number;
  /** Tools waiting for an admin's approval (new, or changed since approval). */
  pendingToolCount: number;
  owner: { id: string; displayName: string } | null;
};

const NATURAL_ORDER = "asc";

/** MCP servers by name; `q` matches name, slug or resource URI; `pendingOnly`: those with a tool pending approval. */
export async function listServers(
  db: Db,
  request: PageRequest,
  opts: { pendingOnly?: boolean } = {},
): Promise<KeysetPage<ServerListItem>> {
  const search: Prisma.McpServerWhereInput = request.q
    ? {
        OR: [
          { name: containsText(db, request.q) },
          { slug: containsText(db, request.q) },
          { resourceUri: containsText(db, request.q) },
        ],
      }
    : {};

  return loadKeysetPage(
    request,
    (server) => ({ key: server.name, id: server.id }),
    async ({ direction, cursor, take }) => {
      const page = keysetBy("name", NATURAL_ORDER, direction, stringKeyOf(cursor));
      const servers = await db.mcpServer.findMany({
        where: {
          AND: [search, opts.pendingOnly ? { tools: { some: { status: "pending" } } } : {}, page.past],
        },
        orderBy: page.orderBy,
        take,
        select: {
          id: true,
          name: true,
          slug: true,
          resourceUri: true,
          enforcementMode: true,
          owner: { select: { id: true, displayName: true } },
          _count: { select: { tools: { where: { status: { not: "removed" } } } } },
        },
      });
      // One grouped count for the page (index serverId, status) rather than one per server.
      const pending = servers.length
        ? await db.tool.groupBy({
            by: ["serverId"],
            where: { status: "pending", serverId: { in: servers.map((s) => s.id) } },
            _count: { _all: true },
          })
        : [];
      const pendingOf = new Map(pending.map((p) => [p.serverId, p._count._all]));
      return servers.map(({ _count, ...server }) => ({
        ...server,
        toolCount: _count.tools,
        pendingToolCount: pendingOf.get(server.id) ?? 0,
      }));
    },
    // The same filter, counted: the list's total (no cursor) or the rows before the page (backward from its first row).
    ({ direction, cursor, take }) =>
      db.mcpServer.count({
        where: {
          AND: [
            search,
            opts.pendingOnly ? { tools: { some: { status: "pending" } } } : {},
            keysetBy("name", NATURAL_ORDER, direction, stringKeyOf(cursor)).past,
          ],
        },
        take,
      }),
  );
}
