import type { Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/sqlite/client";
import type { AgentKind, AgentStatus, ClientAuthMethod } from "@/lib/db/generated/sqlite/enums";
import { containsText } from "@/lib/db/stores/text-search";
import { keysetBy, type KeysetPage, loadKeysetPage, type PageRequest, stringKeyOf } from "@/lib/pagination/keyset";

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
      const page = keysetBy("name", NATURAL_ORDER, direction, stringKeyOf(cursor));
      return db.agent.findMany({
        where: {
          AND: [search, page.past],
        },
        orderBy: page.orderBy,
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
    // The same filter, counted: the list's total (no cursor) or the rows before the page (backward from its first row).
    ({ direction, cursor, take }) =>
      db.agent.count({
        where: { AND: [search, keysetBy("name", NATURAL_ORDER, direction, stringKeyOf(cursor)).past] },
        take,
      }),
  );
}
