import { recordAudit } from "@/lib/audit/record";
import { inspectToken } from "@/lib/tokens/inspect-token";
import { authenticateClient, type ClaimedClient } from "../client-auth";
import { jsonResponse, type OAuthContext, type OAuthRequest, type OAuthResponse } from "../context";
import { InvalidRequest } from "../errors";
import { readForm } from "../form-body";
import { refuse } from "../refuse";

/**
 * POST /oauth/introspect (RFC 7662). Steps: read the form → authenticate the
 * client → inspect the token → answer, recording `token.introspected`.
 * A client sees only its own tokens: anyone else's read as inactive, so
 * introspection cannot be used to learn who holds which access (§4).
 */
export async function introspectionEndpoint(ctx: OAuthContext, req: OAuthRequest): Promise<OAuthResponse> {
  const now = new Date();
  const claimed: ClaimedClient = { clientId: null, agent: null };
  try {
    const form = await readForm(req);
    const { agent } = await authenticateClient(ctx, req, form, claimed);
    const token = form.get("token");
    if (!token) throw new InvalidRequest("token is required");
    const state = await inspectToken(ctx, token, now);
    const own = state.payload?.client_id === agent.clientId;
    const active = state.active && own;
    await ctx.db.$transaction((tx) =>
      recordAudit(tx, {
        action: "token.introspected",
        actorType: "agent",
        actorId: agent.id,
        actorLabel: agent.name,
        decision: "info",
        reason: active ? "active" : `inactive: ${state.active ? "token of another client" : state.reason}`,
        sessionId: own ? (state.sessionId ?? null) : null,
        targetType: "token",
        targetId: own ? (state.tokenId ?? null) : null,
        clientAddress: req.clientAddress ?? null,
        requestId: req.requestId ?? null,
        occurredAt: now,
      }),
    );
    if (!active || !state.active) return jsonResponse(200, { active: false });
    const p = state.payload;
    return jsonResponse(200, {
      active: true,
      scope: p.scope,
      client_id: p.client_id,
      sub: p.sub,
      aud: p.aud,
      iss: p.iss,
      exp: p.exp,
      iat: p.iat,
      jti: p.jti,
      token_type: state.kind === "access_token" ? "Bearer" : "N_A",
      sid: state.sessionId,
      ...(p.act ? { act: p.act } : {}),
      ...(p.resource ? { resource: p.resource } : {}),
      // RFC 9396 §9.2: the tools the token may call, so an MCP server enforcing natively can allow exactly those.
      ...(Array.isArray(p.authorization_details) ? { authorization_details: p.authorization_details } : {}),
    });
  } catch (err) {
    return refuse(ctx, req, err, "introspection", claimed, null);
  }
}
