import { recordAudit } from "@/lib/audit/record";
import { actorOf, type Principal } from "@/lib/auth/principal";
import type { Tx } from "@/lib/db/client";
import { DomainError } from "@/lib/errors/domain-error";
import { updateToolSchema } from "./tool-schemas";
import { toolSnapshot } from "./tool-snapshot";

/**
 * Adds a tool that a policy file names but the server has not (yet) been
 * synced for — e.g. applying an exported file to a fresh deployment. It
 * arrives pending, exactly as a sync would bring it; approving it is a
 * separate, separately audited step. Its definition (description, input
 * schema) stays unknown until the next sync fills it in.
 */
export async function declareToolIn(
  tx: Tx,
  principal: Principal,
  serverId: string,
  raw: { name: string; risk: string; scope: string },
): Promise<{ id: string }> {
  const input = updateToolSchema.parse({ toolId: raw.name, risk: raw.risk, scope: raw.scope });
  const server = await tx.mcpServer.findUnique({ where: { id: serverId }, select: { id: true, name: true } });
  if (!server) throw new DomainError("not_found", "This server no longer exists");
  if (await tx.tool.findUnique({ where: { serverId_name: { serverId, name: raw.name } }, select: { id: true } })) {
    throw new DomainError("conflict", `${server.name} already has a tool named ${raw.name}`, "name");
  }
  const tool = await tx.tool.create({
    data: { serverId, name: raw.name, risk: input.risk ?? "read", scope: input.scope ?? raw.name, status: "pending" },
  });
  await recordAudit(tx, {
    action: "server.tools_synced",
    ...actorOf(principal),
    targetType: "server",
    targetId: server.id,
    targetLabel: server.name,
    decision: "info",
    reason: "Tool declared by a policy file",
    detail: { added: [tool.name], changed: [], removed: [], source: "policy", after: toolSnapshot(tool) },
  });
  return { id: tool.id };
}
