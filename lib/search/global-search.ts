import { can, type Principal } from "@/lib/auth/principal";
import type { Db } from "@/lib/db/client";
import { containsText } from "@/lib/db/stores/text-search";
import { personHref } from "@/lib/people/person-option";

export type SearchHitKind = "agent" | "server" | "entitlement" | "person";

export interface SearchHit {
  kind: SearchHitKind;
  id: string;
  label: string;
  /** Secondary text: a client id, a resource URI, a server, an email. */
  detail: string | null;
  /** The console page that shows it. */
  href: string;
}

export const MAX_QUERY_LENGTH = 100;
const PER_KIND = 5;

/**
 * The top bar's search: agents, servers, entitlements and people whose name
 * contains the text (each kind only if the principal may view it), a few of
 * each, by name. People open on their effective access, the console's page
 * about one person.
 */
export async function globalSearch(db: Db, principal: Principal, text: string): Promise<SearchHit[]> {
  const q = text.trim().slice(0, MAX_QUERY_LENGTH);
  if (!q) return [];
  const match = containsText(db, q);
  const inventory = can(principal, "inventory.view");
  const [agents, servers, entitlements, people] = await Promise.all([
    inventory
      ? db.agent.findMany({
          where: { OR: [{ name: match }, { clientId: match }] },
          orderBy: [{ name: "asc" }, { id: "asc" }],
          take: PER_KIND,
          select: { id: true, name: true, clientId: true },
        })
      : [],
    inventory
      ? db.mcpServer.findMany({
          where: { OR: [{ name: match }, { slug: match }] },
          orderBy: [{ name: "asc" }, { id: "asc" }],
          take: PER_KIND,
          select: { id: true, name: true, resourceUri: true },
        })
      : [],
    inventory
      ? db.entitlement.findMany({
          where: { name: match },
          orderBy: [{ name: "asc" }, { id: "asc" }],
          take: PER_KIND,
          select: { id: true, name: true, server: { select: { name: true } } },
        })
      : [],
    can(principal, "people.view")
      ? db.user.findMany({
          where: { deletedAt: null, OR: [{ displayName: match }, { email: match }] },
          orderBy: [{ displayName: "asc" }, { id: "asc" }],
          take: PER_KIND,
          select: { id: true, displayName: true, email: true },
        })
      : [],
  ]);
  return [
    ...agents.map((a) => ({
      kind: "agent" as const,
      id: a.id,
      label: a.name,
      detail: a.clientId,
      href: `/agents/${a.id}`,
    })),
    ...servers.map((s) => ({
      kind: "server" as const,
      id: s.id,
      label: s.name,
      detail: s.resourceUri,
      href: `/servers/${s.id}`,
    })),
    ...entitlements.map((e) => ({
      kind: "entitlement" as const,
      id: e.id,
      label: e.name,
      detail: e.server.name,
      href: `/entitlements/${e.id}`,
    })),
    ...people.map((p) => ({
      kind: "person" as const,
      id: p.id,
      label: p.displayName,
      detail: p.email,
      href: personHref(p.id),
    })),
  ];
}
