import { recordAudit } from "@/lib/audit/record";
import { actorOf, type Principal } from "@/lib/auth/principal";
import type { Db, Tx } from "@/lib/db/client";
import { DomainError } from "@/lib/errors/domain-error";
import { revokeLiveSessionsIn, revokingTransaction } from "@/lib/sessions/revoke-live-sessions";
import { deleteServerSchema } from "./server-schemas";
import { serverSnapshot } from "./server-snapshot";

/**
 * Deletes a server and its tools. Refused while entitlements reference it:
 * deleting it would silently cut the access those entitlements grant, so the
 * admin must remove them first, knowingly. The database's Restrict rule
 * backs this check up against a race.
 */
export async function deleteServer(
  db: Db,
  principal: Principal,
  raw: { id: string; confirmName: string },
): Promise<{ name: string }> {
  try {
    return await revokingTransaction(db, (tx) => deleteServerIn(tx, principal, raw));
  } catch (e) {
    // P2003: an entitlement was created between the check and the delete.
    if (typeof e === "object" && e !== null && (e as { code?: unknown }).code === "P2003") {
      throw new DomainError("conflict", "An entitlement now references this server; remove it first");
    }
    throw e;
  }
}

/** deleteServer inside the caller's transaction: the policy importer's --prune removes servers in its one transaction. */
export async function deleteServerIn(
  tx: Tx,
  principal: Principal,
  raw: { id: string; confirmName: string },
): Promise<{ name: string }> {
  const input = deleteServerSchema.parse(raw);
  const server = await tx.mcpServer.findUnique({ where: { id: input.id } });
  if (!server) throw new DomainError("not_found", "This server no longer exists");
  if (input.confirmName !== server.name) {
    throw new DomainError("invalid", `Type the server's name, ${server.name}, to confirm`, "confirmName");
  }
  const entitlements = await tx.entitlement.findMany({
    where: { serverId: server.id },
    select: { name: true },
    orderBy: { name: "asc" },
    take: 4,
  });
  if (entitlements.length > 0) {
    const total = await tx.entitlement.count({ where: { serverId: server.id } });
    throw new DomainError(
      "conflict",
      stillReferenced(
        server.name,
        entitlements.map((e) => e.name),
        total,
      ),
    );
  }
  const toolCount = await tx.tool.count({ where: { serverId: server.id } });
  // No entitlement grants its tools, so no session should be live on it; any that is ends here, logged for the
  // gateways, before the delete takes its rows with it.
  const now = new Date();
  await revokeLiveSessionsIn(
    tx,
    principal,
    { serverId: server.id, expiresAt: { gt: now } },
    { reason: `Server ${server.name} deleted`, now, operation: { kind: "server_deleted", serverId: server.id } },
  );
  await tx.mcpServer.delete({ where: { id: server.id } });
  await recordAudit(tx, {
    action: "server.deleted",
    ...actorOf(principal),
    targetType: "server",
    targetId: server.id,
    targetLabel: server.name,
    decision: "info",
    detail: { before: serverSnapshot(server), after: null, toolsDeleted: toolCount },
  });
  return { name: server.name };
}

function stillReferenced(server: string, names: string[], total: number): string {
  const shown = names
    .slice(0, 3)
    .map((n) => `“${n}”`)
    .join(", ");
  const more = total > 3 ? ` and ${total - 3} more` : "";
  return `${server} cannot be deleted: ${total === 1 ? "the entitlement" : `${total} entitlements`} ${shown}${more} still grant${total === 1 ? "s" : ""} its tools. Delete or move ${total === 1 ? "it" : "them"} first.`;
}
