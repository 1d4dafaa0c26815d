import type { Db } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import { announceRevoked } from "@/lib/sessions/announce";
import { revokeLiveSessionsIn } from "@/lib/sessions/revoke-live-sessions";

/**
 * A single-use credential came back: an authorization code already redeemed
 * (RFC 9700 §4.5: "revoke the tokens issued with it") or a refresh token
 * already rotated (§4.14.2: one of the two holders is an attacker, and the
 * server cannot tell which). The whole session it belongs to — every access
 * and refresh token of that family — is revoked through the one revocation
 * path, with `token.reuse_detected` in the same transaction.
 */
export async function revokeForReuse(
  db: Db,
  input: {
    sessionId: string | null;
    token: "authorization_code" | "refresh_token";
    agent: { id: string; name: string; clientId: string };
    clientAddress?: string | null;
    requestId?: string | null;
  },
  now = new Date(),
): Promise<string[]> {
  const actor = { actorType: "system" as const, actorId: null, actorLabel: "reuse detection" };
  const what =
    input.token === "authorization_code"
      ? "An authorization code was redeemed twice"
      : "A rotated refresh token was presented again";
  const revoked = await db.$transaction(async (tx) => {
    const sessions = input.sessionId
      ? await revokeLiveSessionsIn(
          tx,
          actor,
          { id: input.sessionId },
          { reason: `${what}: session revoked`, now, operation: { kind: "reuse_detected", token: input.token } },
        )
      : [];
    await recordAudit(tx, {
      action: "token.reuse_detected",
      actorType: "agent",
      actorId: input.agent.id,
      actorLabel: input.agent.name,
      decision: "deny",
      targetType: "session",
      targetId: input.sessionId,
      sessionId: input.sessionId,
      reason: `${what}; ${sessions.length ? "its session was revoked" : "no live session to revoke"}`,
      clientAddress: input.clientAddress ?? null,
      requestId: input.requestId ?? null,
      occurredAt: now,
      detail: { token: input.token, client_id: input.agent.clientId, revoked_sessions: sessions.map((s) => s.id) },
    });
    return sessions.map((s) => s.id);
  });
  announceRevoked(revoked);
  return revoked;
}
