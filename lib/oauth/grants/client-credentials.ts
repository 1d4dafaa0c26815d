import { randomUUID } from "node:crypto";
import { effectiveAccessOfAgent } from "@/lib/entitlements/effective-access";
import { decideGrant, serverIn, targetResource } from "@/lib/tokens/grant-policy";
import { signToken } from "@/lib/tokens/sign-token";
import { toolAuthorizationDetails } from "../authorization-details";
import { jsonResponse } from "../context";
import { GRANT_CLIENT_CREDENTIALS, TYP_ACCESS_TOKEN } from "../defaults";
import { splitScope } from "../form-body";
import { accessTokenLifetime, recordGrantMint, type Grant } from "./grant";

/**
 * RFC 6749 §4.4 for autonomous agents: the agent acts for itself, on one
 * RFC 8707 resource, with the scopes its own entitlements reach there.
 */
export const clientCredentialsGrant: Grant = {
  type: GRANT_CLIENT_CREDENTIALS,
  parameters: ["scope", "resource"],
  async handle(input) {
    const { ctx, form, agent, now } = input;
    const resource = targetResource(form.get("resource"));
    const access = input.ownAccess ?? (await effectiveAccessOfAgent(ctx.db, agent.id, now));
    const server = serverIn(access, resource);
    const decision = decideGrant(access, server, splitScope(form.get("scope")));
    const jti = randomUUID();
    const { sessionId, expiresAt } = await recordGrantMint(input, {
      user: null, decision, grantType: GRANT_CLIENT_CREDENTIALS, kind: "access_token", jti, audience: server.resourceUri,
      lifetimeSeconds: accessTokenLifetime(input, decision.maxSessionSeconds), authTime: null,
    });
    const iat = Math.floor(now.getTime() / 1000);
    const exp = Math.floor(expiresAt.getTime() / 1000);
    // RFC 9068 §2.2
    // RFC 9396 §9.1 and §7: the tools it may call, in the token and in the response.
    const authorization_details = toolAuthorizationDetails(server.resourceUri, decision.tools.map((t) => t.name));
    const token = await signToken(ctx.keys, TYP_ACCESS_TOKEN, {
      iss: ctx.issuer, sub: agent.clientId, aud: server.resourceUri, client_id: agent.clientId, scope: decision.scopes.join(" "),
      authorization_details, sid: sessionId, jti, iat, exp,
    });
    return jsonResponse(200, { access_token: token, token_type: "Bearer", expires_in: exp - iat, scope: decision.scopes.join(" "), authorization_details });
  },
};
