import { z } from "zod";
import type { Db } from "@/lib/db/client";
import type { Principal } from "@/lib/auth/principal";
import { DomainError } from "@/lib/errors/domain-error";
import { announceRevoked } from "./announce";
import { revokeLiveSessionsIn, type RevocationOperation } from "./revoke-live-sessions";
import { reasonSchema } from "./revoke-sessions";

export const revokeSessionsOfSchema = z.discriminatedUnion("of", [
  z.object({ of: z.literal("agent"), agentId: z.string().min(1), reason: reasonSchema }),
  z.object({ of: z.literal("user"), userId: z.string().min(1), reason: reasonSchema }),
  z.object({ of: z.literal("server"), serverId: z.string().min(1), reason: reasonSchema }),
]);
export type RevokeSessionsOfInput = z.infer<typeof revokeSessionsOfSchema>;

/** The emergency form: every live session on a server, confirmed by typing the server's name. */
export const emergencyRevokeServerSchema = z.object({
  serverId: z.string().min(1),
  confirmName: z.string().trim().min(1, "Type the server's name to confirm"),
  reason: reasonSchema,
});
export type EmergencyRevokeServerInput = z.infer<typeof emergencyRevokeServerSchema>;

export interface ScopedRevokeResult {
  /** Who or what the sessions belonged to, for the confirmation message. */
  label: string;
  revoked: string[];
}

/**
 * Revokes every live session of an agent, of a person (all agents acting on
 * their behalf) or on a server, with their tokens, in one transaction.
 */
export async function revokeSessionsOf(
  db: Db,
  actor: Principal,
  input: RevokeSessionsOfInput,
  now = new Date(),
  emergency = false,
): Promise<ScopedRevokeResult> {
  const result = await db.$transaction(async (tx) => {
    let label: string;
    let operation: RevocationOperation;
    let where;
    if (input.of === "agent") {
      const agent = await tx.agent.findUnique({ where: { id: input.agentId }, select: { name: true } });
      if (!agent) throw new DomainError("not_found", "No such agent");
      [label, operation, where] = [agent.name, { kind: "agent", agentId: input.agentId }, { agentId: input.agentId }];
    } else if (input.of === "user") {
      const user = await tx.user.findUnique({ where: { id: input.userId }, select: { displayName: true } });
      if (!user) throw new DomainError("not_found", "No such person");
      [label, operation, where] = [user.displayName, { kind: "user", userId: input.userId }, { userId: input.userId }];
    } else {
      const server = await tx.mcpServer.findUnique({ where: { id: input.serverId }, select: { name: true } });
      if (!server) throw new DomainError("not_found", "No such server");
      [label, operation, where] = [
        server.name,
        { kind: "server", serverId: input.serverId, emergency },
        { serverId: input.serverId },
      ];
    }
    const revoked = await revokeLiveSessionsIn(
      tx,
      actor,
      { ...where, expiresAt: { gt: now } },
      { reason: input.reason, now, operation },
    );
    return { label, revoked: revoked.map((s) => s.id) };
  });
  announceRevoked(result.revoked);
  return result;
}

/** "Revoke everything on this server": refused unless the typed name matches the server's. */
export async function emergencyRevokeServer(
  db: Db,
  actor: Principal,
  input: EmergencyRevokeServerInput,
  now = new Date(),
): Promise<ScopedRevokeResult> {
  const server = await db.mcpServer.findUnique({ where: { id: input.serverId }, select: { name: true } });
  if (!server) throw new DomainError("not_found", "No such server");
  if (server.name !== input.confirmName)
    throw new DomainError("invalid", `Type "${server.name}" exactly to confirm`, "confirmName");
  return revokeSessionsOf(db, actor, { of: "server", serverId: input.serverId, reason: input.reason }, now, true);
}
