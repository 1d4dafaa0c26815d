import { randomUUID } from "node:crypto";
import { effectiveAccessOfAgent } from "@/lib/entitlements/effective-access";
import { decideGrant, serverIn, targetResource, type GrantDecision } from "@/lib/tokens/grant-policy";
import { signToken } from "@/lib/tokens/sign-token";
import { toolAuthorizationDetails } from "../authorization-details";
import { jsonResponse } from "../context";
import { GRANT_CLIENT_CREDENTIALS, TYP_ACCESS_TOKEN } from "../defaults";
import { splitScope } from "../form-body";
import { accessTokenLifetime, recordGrantMint, type Grant, type GrantInput } from "./grant";

/**
 * RFC 6749 §4.4 for autonomous agents: the agent acts for itself, on one
 * RFC 8707 resource, with the scopes its own entitlements reach there.
 */
export const clientCredentialsGrant: Grant = {
  type: GRANT_CLIENT_CREDENTIALS,
  async handle(input) {
    const { ctx, form, agent, now } = input;
    const resource = targetResource(form.get("resource"));
    const access = input.ownAccess ?? (await effectiveAccessOfAgent(ctx.db, agent.id, now));
    const server = serverIn(access, resource);
    const decision = decideGrant(access, server, splitScope(form.get("scope")));
    const minted = await mintClientCredentialsToken(input, decision);
    return jsonResponse(200, minted.response);
  },
};

/** A client_credentials token as issued: the response body, and the session and jti it was recorded under. */
export interface ClientCredentialsToken {
  response: {
    access_token: string;
    token_type: "Bearer";
    expires_in: number;
    scope: string;
    authorization_details: ReturnType<typeof toolAuthorizationDetails>;
  };
  sessionId: string;
  jti: string;
  expiresAt: Date;
}

/**
 * Records and signs one client_credentials access token for a decision
 * already made: the grant above, and the revocation drill's canary
 * (lib/drills/mint-canary.ts), which must be minted exactly as an agent's
 * token is so that revoking it exercises the real path, and a workload JWT
 * redeemed for its agent (./workload-jwt.ts), recorded under its own grant type.
 */
export async function mintClientCredentialsToken(
  input: GrantInput,
  decision: GrantDecision,
  grantType: string = GRANT_CLIENT_CREDENTIALS,
): Promise<ClientCredentialsToken> {
  const { ctx, agent, now } = input;
  const server = decision.server;
  const jti = randomUUID();
  const { sessionId, expiresAt } = await recordGrantMint(input, {
    user: null,
    decision,
    grantType,
    kind: "access_token",
    jti,
    audience: server.resourceUri,
    lifetimeSeconds: accessTokenLifetime(input, decision.maxSessionSeconds),
    authTime: null,
  });
  const iat = Math.floor(now.getTime() / 1000);
  const exp = Math.floor(expiresAt.getTime() / 1000);
  // RFC 9068 §2.2
  // RFC 9396 §9.1 and §7: the tools it may call, in the token and in the response.
  const authorization_details = toolAuthorizationDetails(
    server.resourceUri,
    decision.tools.map((t) => t.name),
  );
  const token = await signToken(ctx.keys, TYP_ACCESS_TOKEN, {
    iss: ctx.issuer,
    sub: agent.clientId,
    aud: server.resourceUri,
    client_id: agent.clientId,
    scope: decision.scopes.join(" "),
    authorization_details,
    sid: sessionId,
    jti,
    iat,
    exp,
  });
  return {
    response: {
      access_token: token,
      token_type: "Bearer",
      expires_in: exp - iat,
      scope: decision.scopes.join(" "),
      authorization_details,
    },
    sessionId,
    jti,
    expiresAt,
  };
}
