import type { Db } from "@/lib/db/client";
import type { AuditFilter } from "./filters";

export type AuditSubjectKind = "agent" | "person" | "server";

/** One subject the trail is narrowed to: its kind, id and the name to show (the id when it no longer exists). */
export interface AuditFilterSubject {
  kind: AuditSubjectKind;
  id: string;
  name: string;
}

/** The agent, person and server a filter narrows the trail to, with their current names. */
export async function auditFilterSubjects(db: Db, filter: AuditFilter): Promise<AuditFilterSubject[]> {
  const [agent, person, server] = await Promise.all([
    filter.agent ? db.agent.findUnique({ where: { id: filter.agent }, select: { name: true } }) : null,
    filter.person
      ? db.user.findUnique({ where: { id: filter.person }, select: { displayName: true, email: true } })
      : null,
    filter.server ? db.mcpServer.findUnique({ where: { id: filter.server }, select: { name: true } }) : null,
  ]);
  const out: AuditFilterSubject[] = [];
  if (filter.agent) out.push({ kind: "agent", id: filter.agent, name: agent?.name ?? filter.agent });
  if (filter.person)
    out.push({ kind: "person", id: filter.person, name: person ? person.displayName || person.email : filter.person });
  if (filter.server) out.push({ kind: "server", id: filter.server, name: server?.name ?? filter.server });
  return out;
}
