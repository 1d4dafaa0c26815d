import type { Db } from "@/lib/db/client";
import { containsText } from "@/lib/db/stores/text-search";

/** The effective-access view's pickers: a few matches per search, never a whole directory. */

export interface AgentChoice {
  id: string;
  name: string;
  clientId: string;
  kind: "autonomous" | "delegated" | "interactive";
  status: "pending" | "active" | "suspended" | "retired";
}

export interface PersonChoice {
  id: string;
  displayName: string;
  email: string;
  department: string | null;
}

const PICKER_LIMIT = 8;
const agentSelect = { id: true, name: true, clientId: true, kind: true, status: true } as const;
const personSelect = { id: true, displayName: true, email: true, department: true } as const;

export async function searchAgents(db: Db, q: string): Promise<AgentChoice[]> {
  return db.agent.findMany({
    where: { OR: [{ name: containsText(db, q) }, { clientId: containsText(db, q) }] },
    orderBy: [{ name: "asc" }],
    take: PICKER_LIMIT,
    select: agentSelect,
  });
}

export async function searchPeople(db: Db, q: string): Promise<PersonChoice[]> {
  return db.user.findMany({
    where: { OR: [{ displayName: containsText(db, q) }, { email: containsText(db, q) }] },
    orderBy: [{ displayName: "asc" }, { id: "asc" }],
    take: PICKER_LIMIT,
    select: personSelect,
  });
}

export async function findAgent(db: Db, id: string): Promise<AgentChoice | null> {
  return db.agent.findUnique({ where: { id }, select: agentSelect });
}

export async function findPerson(db: Db, id: string): Promise<PersonChoice | null> {
  return db.user.findUnique({ where: { id }, select: personSelect });
}
