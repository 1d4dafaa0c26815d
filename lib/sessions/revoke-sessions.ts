import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import { actorOf, type Principal } from "@/lib/auth/principal";
import { DomainError } from "@/lib/errors/domain-error";
import { revocationBus } from "@/lib/gateway/revocation-bus";

export const revokeSessionsSchema = z.object({
  sessionIds: z.array(z.string().min(1)).min(1, "Choose at least one session").max(500, "At most 500 sessions at once"),
  reason: z.string().trim().min(3, "Say why (at least 3 characters)").max(500),
});
export type RevokeSessionsInput = z.infer<typeof revokeSessionsSchema>;

export interface RevokeResult {
  revoked: string[];
  /** Already ended (revoked or expired) before this request: nothing to do. */
  alreadyEnded: string[];
}

/**
 * Revokes live agent sessions and every token issued in them, with one audit
 * event per session, in one transaction. After the commit the in-process bus
 * tells this process's gateway at once; other instances read it from the
 * store on their next poll.
 */
export async function revokeSessions(db: Db, actor: Principal, input: RevokeSessionsInput, now = new Date()): Promise<RevokeResult> {
  const ids = [...new Set(input.sessionIds)];
  const result = await db.$transaction(async (tx) => {
    const sessions = await tx.agentSession.findMany({
      where: { id: { in: ids } },
      select: { id: true, status: true, userId: true, agent: { select: { name: true } }, server: { select: { name: true } } },
    });
    if (sessions.length !== ids.length) throw new DomainError("not_found", "Some of these sessions do not exist");
    const live = sessions.filter((s) => s.status === "active");
    const liveIds = live.map((s) => s.id);
    if (liveIds.length > 0) {
      await tx.agentSession.updateMany({
        where: { id: { in: liveIds }, status: "active" },
        data: { status: "revoked", revokedAt: now, revokedBy: actorOf(actor).actorId ?? actorOf(actor).actorLabel, revokedReason: input.reason },
      });
      await tx.issuedToken.updateMany({ where: { sessionId: { in: liveIds }, revokedAt: null }, data: { revokedAt: now } });
    }
    for (const s of live) {
      await recordAudit(tx, {
        action: "session.revoked", ...actorOf(actor), onBehalfOfId: s.userId, targetType: "session", targetId: s.id,
        targetLabel: `${s.agent.name} → ${s.server.name}`, decision: "allow", reason: input.reason, sessionId: s.id,
        detail: { before: { status: "active" }, after: { status: "revoked" } }, occurredAt: now,
      });
    }
    return { revoked: liveIds, alreadyEnded: sessions.filter((s) => s.status !== "active").map((s) => s.id) };
  });
  for (const id of result.revoked) revocationBus.onRevoked(id);
  return result;
}
