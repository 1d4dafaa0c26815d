import { recordAudit } from "@/lib/audit/record";
import { revokeLiveSessionsIn, revokeTokenIn, revokingTransaction } from "@/lib/sessions/revoke-live-sessions";
import { inspectToken } from "@/lib/tokens/inspect-token";
import { authenticateClient, type ClaimedClient, type ClientAgent } from "../client-auth";
import type { OAuthContext, OAuthRequest, OAuthResponse } from "../context";
import { InvalidRequest } from "../errors";
import { readForm } from "../form-body";
import { refuse } from "../refuse";
import { refreshTokenHash } from "../grants/authorization-code";

const EMPTY_OK: OAuthResponse = {
  status: 200,
  headers: { "cache-control": "no-store", "content-length": "0" },
  body: "",
};

/**
 * POST /oauth/revoke (RFC 7009). Steps: read the form → authenticate the
 * client → revoke the token if it is a live token of this client: an access
 * token or ID-JAG alone (§2.1: its session and the session's other tokens
 * stay), a refresh token with its session. The answer
 * is 200 with an empty body whatever happened (§2.2): it tells nothing about
 * tokens the caller does not own. What did happen is in the audit trail.
 */
export async function revocationEndpoint(ctx: OAuthContext, req: OAuthRequest): Promise<OAuthResponse> {
  const now = new Date();
  const claimed: ClaimedClient = { clientId: null, agent: null };
  try {
    const form = await readForm(req);
    const { agent } = await authenticateClient(ctx, req, form, claimed, undefined, { allowPublic: true });
    const token = form.get("token");
    if (!token) throw new InvalidRequest("token is required");
    if (token.startsWith("mrt_")) {
      await revokeRefreshToken(ctx, req, agent, token, now);
      return EMPTY_OK;
    }
    const state = await inspectToken(ctx, token, now);
    const own = state.payload?.client_id === agent.clientId;
    const actor = {
      actorType: "agent" as const,
      actorId: agent.id,
      actorLabel: agent.name,
      clientAddress: req.clientAddress ?? null,
      requestId: req.requestId ?? null,
    };
    // The one revocation path (as the console's): the revocation log, NOTIFY and, after commit, this process's bus,
    // so every gateway refuses the token at its next call rather than at its next poll.
    await revokingTransaction(ctx.db, async (tx) => {
      const revoked =
        own &&
        state.active &&
        (await revokeTokenIn(
          tx,
          actor,
          { id: state.tokenId, jti: state.payload.jti ?? "", sessionId: state.sessionId, expiresAt: state.expiresAt },
          { reason: "revoked by its client", now },
        ));
      if (revoked) return;
      await recordAudit(tx, {
        action: "token.revoked",
        ...actor,
        decision: "info",
        reason: `nothing revoked: ${own ? (state.active ? "already revoked" : state.reason) : "not a token of this client"}`,
        sessionId: own ? (state.sessionId ?? null) : null,
        targetType: "token",
        targetId: own ? (state.tokenId ?? null) : null,
        detail: own && state.payload?.jti ? { jti: state.payload.jti } : undefined,
        occurredAt: now,
      });
    });
    return EMPTY_OK;
  } catch (err) {
    return refuse(ctx, req, err, "revocation", claimed, null);
  }
}

/**
 * RFC 7009 §2.1: revoking a refresh token also invalidates the access tokens
 * of the same grant — here its session, through the one revocation path.
 */
async function revokeRefreshToken(
  ctx: OAuthContext,
  req: OAuthRequest,
  agent: ClientAgent,
  token: string,
  now: Date,
): Promise<void> {
  const row = await ctx.db.issuedToken.findUnique({
    where: { jti: refreshTokenHash(token) },
    select: { id: true, kind: true, clientId: true, sessionId: true },
  });
  const own = row !== null && row.kind === "refresh_token" && row.clientId === agent.clientId;
  const actor = {
    actorType: "agent" as const,
    actorId: agent.id,
    actorLabel: agent.name,
    clientAddress: req.clientAddress ?? null,
    requestId: req.requestId ?? null,
  };
  await revokingTransaction(ctx.db, async (tx) => {
    const sessions = own
      ? await revokeLiveSessionsIn(
          tx,
          actor,
          { id: row.sessionId },
          { reason: "refresh token revoked by its client", now, operation: { kind: "sessions" } },
        )
      : [];
    await recordAudit(tx, {
      action: "token.revoked",
      ...actor,
      decision: sessions.length ? "allow" : "info",
      reason: own
        ? sessions.length
          ? "refresh token revoked by its client, with its session"
          : "nothing revoked: session already ended"
        : "nothing revoked: not a token of this client",
      sessionId: own ? row.sessionId : null,
      targetType: "token",
      targetId: own ? row.id : null,
      occurredAt: now,
    });
  });
}
