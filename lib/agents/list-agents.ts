import type { Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/sqlite/client";
import type { AgentKind, AgentStatus, ClientAuthMethod } from "@/lib/db/generated/sqlite/enums";
import { containsText } from "@/lib/pagination/contains-text";
import { loadKeysetPage, orderFor, pastBoundary, stringKeyOf, type KeysetPage, type PageRequest } from "@/lib/pagination/keyset";

export type AgentListItem = {
  id: string;
  name: string;
  clientId: string;
  kind: AgentKind;
  status: AgentStatus;
  authMethod: ClientAuthMethod;
  owner: { id: string; displayName: string; email: string } | null;
  createdAt: Date;
};

const NATURAL_ORDER = "asc";

/** Agents by name (the `name` unique index serves both the order and the cursor seek); `q` matches name or client id. */
export async function listAgents(db: Db, request: PageRequest): Promise<KeysetPage<AgentListItem>> {
  const search: Prisma.AgentWhereInput = request.q
    ? { OR: [{ name: containsText(db, request.q) }, { clientId: containsText(db, request.q) }] }
    : {};

  return loadKeysetPage(
    request,
    (agent) => ({ key: agent.name, id: agent.id }),
    async ({ direction, cursor, take }) => {
      const boundary = stringKeyOf(cursor);
      const order = orderFor(NATURAL_ORDER, direction);
      return db.agent.findMany({
        where: {
          AND: [
            search,
            boundary
              ? {
                  OR: [
                    { name: pastBoundary(NATURAL_ORDER, direction, boundary.key) },
                    { name: boundary.key, id: pastBoundary(NATURAL_ORDER, direction, boundary.id) },
                  ],
                }
              : {},
          ],
        },
        orderBy: [{ name: order }, { id: order }],
        take,
        select: {
          id: true,
          name: true,
          clientId: true,
          kind: true,
          status: true,
          authMethod: true,
          createdAt: true,
          owner: { select: { id: true, displayName: true, email: true } },
        },
      });
    },
  );
}
