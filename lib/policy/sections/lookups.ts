import type { Tx } from "@/lib/db/client";
import { DomainError } from "@/lib/errors/domain-error";

// Lookups by the names a file uses, inside the applying transaction.

export async function serverIdOf(tx: Tx, name: string): Promise<string> {
  const server = await tx.mcpServer.findUnique({ where: { name }, select: { id: true } });
  if (!server) throw new DomainError("not_found", `No server named “${name}”`, "serverId");
  return server.id;
}

export async function toolIdsOf(tx: Tx, serverId: string, names: readonly string[]): Promise<string[]> {
  const tools = await tx.tool.findMany({ where: { serverId, name: { in: [...names] } }, select: { id: true } });
  if (tools.length !== names.length)
    throw new DomainError("not_found", "Some of the listed tools do not exist on the server", "toolIds");
  return tools.map((t) => t.id);
}

export async function toolIdOf(tx: Tx, serverName: string, toolName: string): Promise<string> {
  const tool = await tx.tool.findFirst({
    where: { name: toolName, server: { name: serverName } },
    select: { id: true },
  });
  if (!tool) throw new DomainError("not_found", `${serverName} has no tool named ${toolName}`, "toolId");
  return tool.id;
}

export async function personIdOf(tx: Tx, email: string, field: string): Promise<string> {
  const person = await tx.user.findUnique({ where: { email }, select: { id: true, active: true } });
  if (!person || !person.active) throw new DomainError("invalid", `No active person has the email ${email}`, field);
  return person.id;
}

/** An agent's owner can be changed, never removed: removing one is what a person leaving does. */
export async function ownerIdOf(tx: Tx, email: string | null): Promise<string> {
  if (!email) throw new DomainError("invalid", "An agent's owner can be changed but not removed", "ownerId");
  return personIdOf(tx, email, "ownerId");
}

export async function agentIdOf(tx: Tx, name: string): Promise<string> {
  const agent = await tx.agent.findUnique({ where: { name }, select: { id: true } });
  if (!agent) throw new DomainError("not_found", `No agent named “${name}”`, "principalId");
  return agent.id;
}

export async function principalIdOf(tx: Tx, type: "agent" | "user" | "group", ref: string): Promise<string> {
  if (type === "agent") return agentIdOf(tx, ref);
  if (type === "user") {
    const user = await tx.user.findUnique({ where: { email: ref }, select: { id: true } });
    if (!user) throw new DomainError("not_found", `No person has the email ${ref}`, "principalId");
    return user.id;
  }
  const group = await tx.group.findUnique({ where: { displayName: ref }, select: { id: true } });
  if (!group) throw new DomainError("not_found", `No group named “${ref}”`, "principalId");
  return group.id;
}

export async function entitlementIdOf(tx: Tx, name: string): Promise<string> {
  const row = await tx.entitlement.findUnique({ where: { name }, select: { id: true } });
  if (!row) throw new DomainError("not_found", `No entitlement named “${name}”`, "entitlementId");
  return row.id;
}

/** The ids of the tools an assignment leaves out, named on its entitlement's server. */
export async function excludedToolIdsOf(
  tx: Tx,
  entitlementName: string,
  toolNames: readonly string[],
): Promise<string[]> {
  if (toolNames.length === 0) return [];
  const row = await tx.entitlement.findUnique({ where: { name: entitlementName }, select: { serverId: true } });
  if (!row) throw new DomainError("not_found", `No entitlement named “${entitlementName}”`, "entitlementId");
  return toolIdsOf(tx, row.serverId, toolNames);
}
