import type { Db } from "@/lib/db/client";

/** "agent:<id>" | "user:<id>" | "group:<id>" → a name people recognise. */
export type PrincipalLabels = Map<string, string>;

export const principalKey = (type: "agent" | "user" | "group", id: string) => `${type}:${id}`;

/** Names for the principals behind grant paths: three lookups at most. */
export async function principalLabels(
  db: Db,
  principals: readonly { principalType: "agent" | "user" | "group"; principalId: string }[],
): Promise<PrincipalLabels> {
  const ids = { agent: new Set<string>(), user: new Set<string>(), group: new Set<string>() };
  for (const p of principals) ids[p.principalType].add(p.principalId);
  const [agents, users, groups] = await Promise.all([
    ids.agent.size
      ? db.agent.findMany({ where: { id: { in: [...ids.agent] } }, select: { id: true, name: true } })
      : [],
    ids.user.size
      ? db.user.findMany({ where: { id: { in: [...ids.user] } }, select: { id: true, displayName: true } })
      : [],
    ids.group.size
      ? db.group.findMany({ where: { id: { in: [...ids.group] } }, select: { id: true, displayName: true } })
      : [],
  ]);
  const labels: PrincipalLabels = new Map();
  for (const a of agents) labels.set(principalKey("agent", a.id), a.name);
  for (const u of users) labels.set(principalKey("user", u.id), u.displayName);
  for (const g of groups) labels.set(principalKey("group", g.id), g.displayName);
  return labels;
}
