import { randomUUID } from "node:crypto";
import type { GrantDecision } from "@/lib/tokens/grant-policy";
import { signToken } from "@/lib/tokens/sign-token";
import { toolAuthorizationDetails } from "../authorization-details";
import { jsonResponse, type OAuthResponse } from "../context";
import { GRANT_JWT_BEARER, TYP_ACCESS_TOKEN } from "../defaults";
import { accessTokenLifetime, type GrantInput, recordGrantMint } from "./grant";

export interface RedeemedIdJag {
  /** The single-use key of the ID-JAG: its (issuer,) jti. */
  replayKey: string;
  /** The ID-JAG's `exp` (seconds): the key is kept until then, plus the clock skew. */
  exp: number;
  authTime: Date | null;
}

/**
 * The access token an ID-JAG is redeemed for at jwt-bearer, whoever issued
 * it: the person as `sub`, the agent as the actor (RFC 8693 §4.1 `act`), the
 * decided tools as RFC 9396 authorization_details. The ID-JAG is consumed in
 * the mint's own commit, so of two concurrent redemptions one fails.
 */
export async function mintDelegatedAccessToken(
  input: GrantInput,
  user: { id: string; email: string },
  decision: GrantDecision,
  jag: RedeemedIdJag,
): Promise<OAuthResponse> {
  const { ctx, agent, now } = input;
  const { server } = decision;
  input.claims.push({
    key: jag.replayKey,
    expiresAt: new Date((jag.exp + ctx.settings.clockSkewSeconds) * 1000),
    replay: { error: "invalid_grant", description: "assertion replayed (jti already used)" },
  });
  const jti = randomUUID();
  const { sessionId, expiresAt } = await recordGrantMint(input, {
    user,
    decision,
    grantType: GRANT_JWT_BEARER,
    kind: "access_token",
    jti,
    audience: server.resourceUri,
    lifetimeSeconds: accessTokenLifetime(input, decision.maxSessionSeconds),
    authTime: jag.authTime,
  });
  const iat = Math.floor(now.getTime() / 1000);
  const exp = Math.floor(expiresAt.getTime() / 1000);
  const scope = decision.scopes.join(" ");
  const authorization_details = toolAuthorizationDetails(
    server.resourceUri,
    decision.tools.map((t) => t.name),
  );
  const token = await signToken(ctx.keys, TYP_ACCESS_TOKEN, {
    iss: ctx.issuer,
    sub: user.id,
    aud: server.resourceUri,
    client_id: agent.clientId,
    scope,
    authorization_details,
    sid: sessionId,
    jti,
    iat,
    exp,
    act: { sub: agent.clientId },
    ...(jag.authTime ? { auth_time: Math.floor(jag.authTime.getTime() / 1000) } : {}),
  });
  return jsonResponse(200, {
    access_token: token,
    token_type: "Bearer",
    expires_in: exp - iat,
    scope,
    authorization_details,
  });
}
