import { recordAudit } from "@/lib/audit/record";
import { inspectToken } from "@/lib/tokens/inspect-token";
import { authenticateClient, type ClaimedClient } from "../client-auth";
import type { OAuthContext, OAuthRequest, OAuthResponse } from "../context";
import { InvalidRequest } from "../errors";
import { readForm } from "../form-body";
import { refuse } from "../refuse";

const EMPTY_OK: OAuthResponse = { status: 200, headers: { "cache-control": "no-store", "content-length": "0" }, body: "" };

/**
 * POST /oauth/revoke (RFC 7009). Steps: read the form → authenticate the
 * client → revoke the token if it is a live token of this client. The answer
 * is 200 with an empty body whatever happened (§2.2): it tells nothing about
 * tokens the caller does not own. What did happen is in the audit trail.
 */
export async function revocationEndpoint(ctx: OAuthContext, req: OAuthRequest): Promise<OAuthResponse> {
  const now = new Date();
  const claimed: ClaimedClient = { clientId: null, agent: null };
  try {
    const form = await readForm(req);
    const agent = await authenticateClient(ctx, req, form, claimed);
    const token = form.get("token");
    if (!token) throw new InvalidRequest("token is required");
    const state = await inspectToken(ctx, token, now);
    const own = state.payload?.client_id === agent.clientId;
    const revocable = own && state.active;
    await ctx.db.$transaction(async (tx) => {
      if (revocable) await tx.issuedToken.update({ where: { id: state.tokenId }, data: { revokedAt: now } });
      await recordAudit(tx, {
        action: "token.revoked", actorType: "agent", actorId: agent.id, actorLabel: agent.name, decision: revocable ? "allow" : "info",
        reason: revocable ? "revoked by its client" : `nothing revoked: ${own ? state.active ? "" : state.reason : "not a token of this client"}`,
        sessionId: own ? state.sessionId ?? null : null, targetType: "token", targetId: own ? state.tokenId ?? null : null,
        detail: own && state.payload?.jti ? { jti: state.payload.jti } : undefined,
        clientAddress: req.clientAddress ?? null, requestId: req.requestId ?? null, occurredAt: now,
      });
    });
    return EMPTY_OK;
  } catch (err) {
    return refuse(ctx, req, err, "revocation", claimed, null);
  }
}
