import type { Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/sqlite/client";
import type { AgentKind, AgentStatus, ClientAuthMethod } from "@/lib/db/generated/sqlite/enums";
import { containsText } from "@/lib/pagination/contains-text";
import {
  keysetBy,
  type KeysetPage,
  type KeysetWindow,
  loadKeysetPage,
  type PageRequest,
  stringKeyOf,
} from "@/lib/pagination/keyset";

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

  const windowOf = ({ direction, cursor }: KeysetWindow) => {
    const page = keysetBy("name", NATURAL_ORDER, direction, stringKeyOf(cursor));
    return { where: { AND: [search, page.past] }, orderBy: page.orderBy };
  };

  return loadKeysetPage(
    request,
    (agent) => ({ key: agent.name, id: agent.id }),
    async (window) => {
      const { where, orderBy } = windowOf(window);
      const take = window.take;
      return db.agent.findMany({
        where,
        orderBy,
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
    (window) => db.agent.count({ where: windowOf(window).where, take: window.take }),
  );
}
