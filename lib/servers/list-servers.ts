import type { Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/sqlite/client";
import type { EnforcementMode } from "@/lib/db/generated/sqlite/enums";
import { containsText } from "@/lib/pagination/contains-text";
import { keysetBy, type KeysetPage, loadKeysetPage, type PageRequest, stringKeyOf } from "@/lib/pagination/keyset";

export type ServerListItem = {
  id: string;
  name: string;
  slug: string;
  resourceUri: string;
  enforcementMode: EnforcementMode;
  /** Tools the server currently lists (tools it dropped are kept for history but not counted). */
  toolCount: number;
  owner: { id: string; displayName: string } | null;
};

const NATURAL_ORDER = "asc";

/** MCP servers by name; `q` matches name, slug or resource URI. */
export async function listServers(db: Db, request: PageRequest): Promise<KeysetPage<ServerListItem>> {
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
          AND: [
            search,
            page.past,
          ],
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
      return servers.map(({ _count, ...server }) => ({ ...server, toolCount: _count.tools }));
    },
  );
}
