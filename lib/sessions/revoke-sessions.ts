import { z } from "zod";
import type { Db } from "@/lib/db/client";
import type { Principal } from "@/lib/auth/principal";
import { DomainError } from "@/lib/errors/domain-error";
import { announceRevoked } from "./announce";
import { revokeLiveSessionsIn } from "./revoke-live-sessions";

export const reasonSchema = z.string().trim().min(3, "Say why (at least 3 characters)").max(500);

export const revokeSessionsSchema = z.object({
  sessionIds: z.array(z.string().min(1)).min(1, "Choose at least one session").max(500, "At most 500 sessions at once"),
  reason: reasonSchema,
});
export type RevokeSessionsInput = z.infer<typeof revokeSessionsSchema>;

export interface RevokeResult {
  revoked: string[];
  /** Already ended (revoked or expired) before this request: nothing to do. */
  alreadyEnded: string[];
}

/**
 * Revokes live agent sessions (one, or a selection) and every token issued in
 * them, in one transaction (see revokeLiveSessionsIn for everything written
 * with it). After the commit the in-process bus tells this process's gateway
 * at once; other instances hear the PostgreSQL NOTIFY or catch up by poll.
 */
export async function revokeSessions(
  db: Db,
  actor: Principal,
  input: RevokeSessionsInput,
  now = new Date(),
): Promise<RevokeResult> {
  const ids = [...new Set(input.sessionIds)];
  const result = await db.$transaction(async (tx) => {
    const found = await tx.agentSession.findMany({ where: { id: { in: ids } }, select: { id: true } });
    if (found.length !== ids.length) throw new DomainError("not_found", "Some of these sessions do not exist");
    const revoked = await revokeLiveSessionsIn(
      tx,
      actor,
      { id: { in: ids } },
      { reason: input.reason, now, operation: { kind: "sessions" } },
    );
    const revokedIds = new Set(revoked.map((s) => s.id));
    return { revoked: ids.filter((id) => revokedIds.has(id)), alreadyEnded: ids.filter((id) => !revokedIds.has(id)) };
  });
  announceRevoked(result.revoked);
  return result;
}
