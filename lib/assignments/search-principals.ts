import type { Db } from "@/lib/db/client";
import { containsText } from "@/lib/db/stores/text-search";
import type { PrincipalType } from "./assignment-schemas";

export interface PrincipalOption {
  id: string;
  label: string;
  detail: string | null;
}

const LIMIT = 20;

/**
 * Candidates for the "Assign" dialog's principal picker. Only principals that
 * can receive access are offered (no retired agents, no deactivated people);
 * the domain checks again when the assignment is made.
 */
export async function searchPrincipals(db: Db, type: PrincipalType, q: string): Promise<PrincipalOption[]> {
  const text = containsText(db, q.trim());
  switch (type) {
    case "agent": {
      const rows = await db.agent.findMany({
        where: { status: { not: "retired" }, OR: [{ name: text }, { clientId: text }] },
        orderBy: { name: "asc" },
        take: LIMIT,
        select: { id: true, name: true, clientId: true, status: true },
      });
      return rows.map((a) => ({
        id: a.id,
        label: a.name,
        detail: a.status === "suspended" ? `${a.clientId} · suspended` : a.clientId,
      }));
    }
    case "user": {
      const rows = await db.user.findMany({
        where: { active: true, OR: [{ displayName: text }, { email: text }] },
        orderBy: { displayName: "asc" },
        take: LIMIT,
        select: { id: true, displayName: true, email: true },
      });
      return rows.map((u) => ({ id: u.id, label: u.displayName, detail: u.email }));
    }
    case "group": {
      const rows = await db.group.findMany({
        where: { displayName: text },
        orderBy: { displayName: "asc" },
        take: LIMIT,
        select: { id: true, displayName: true, _count: { select: { members: true } } },
      });
      return rows.map((g) => ({ id: g.id, label: g.displayName, detail: `${g._count.members} members` }));
    }
  }
}
