import { randomUUID } from "node:crypto";
import { effectiveAccessOnBehalfOf } from "@/lib/entitlements/effective-access";
import { decideGrant, registeredServer } from "@/lib/tokens/grant-policy";
import { signToken } from "@/lib/tokens/sign-token";
import { toolAuthorizationDetails } from "../authorization-details";
import { jsonResponse } from "../context";
import { GRANT_TOKEN_EXCHANGE, TOKEN_TYPE_ID_JAG, TOKEN_TYPE_ID_TOKEN, TYP_ID_JAG } from "../defaults";
import { InsufficientUserAuthentication, InvalidRequest, InvalidTarget } from "../errors";
import { splitScope } from "../form-body";
import { verifySubjectIdToken } from "../subject-token";
import { recordGrantMint, type Grant } from "./grant";

/**
 * RFC 8693 token exchange as the Enterprise-Managed Authorization extension
 * profiles it (draft-ietf-oauth-identity-assertion-authz-grant §"Token
 * Exchange"): an agent presents a person's ID token from the enterprise IdP
 * and receives an ID-JAG for one resource, scoped to what both the agent and
 * the person may reach there.
 */
export const tokenExchangeGrant: Grant = {
  type: GRANT_TOKEN_EXCHANGE,
  async handle(input) {
    const { ctx, form, agent, now } = input;
    if (form.get("requested_token_type") !== TOKEN_TYPE_ID_JAG)
      throw new InvalidRequest(`requested_token_type must be ${TOKEN_TYPE_ID_JAG}`);
    if (form.get("subject_token_type") !== TOKEN_TYPE_ID_TOKEN)
      throw new InvalidRequest(`subject_token_type must be ${TOKEN_TYPE_ID_TOKEN}`);
    const subjectToken = form.get("subject_token");
    if (!subjectToken) throw new InvalidRequest("subject_token is required");
    if (form.has("actor_token") || form.has("actor_token_type"))
      throw new InvalidRequest("actor_token is not used by this profile");
    const audience = form.get("audience");
    if (!audience) throw new InvalidRequest("audience is required (the resource's authorization server issuer)");

    const server = await registeredServer(ctx.db, form.get("resource"));
    // Gateway-mode servers trust Mandate's own tokens; native ones run their own
    // authorization server, which must be the ID-JAG's audience.
    const expectedAudience = server.enforcementMode === "gateway" ? ctx.issuer : server.authorizationServerIssuer;
    if (!expectedAudience || audience !== expectedAudience)
      throw new InvalidTarget("audience is not the authorization server of this resource");

    const subject = await verifySubjectIdToken(ctx, subjectToken, agent.id, now);
    const access = await effectiveAccessOnBehalfOf(ctx.db, agent.id, subject.user.id, now);
    const decision = decideGrant(access, server, splitScope(form.get("scope")));

    const interval = decision.reauthIntervalSeconds;
    if (interval !== null && (!subject.authTime || now.getTime() - subject.authTime.getTime() > interval * 1000)) {
      throw new InsufficientUserAuthentication(
        `the person must have authenticated within the last ${interval} seconds`,
        interval,
      );
    }

    const jti = randomUUID();
    const lifetime = Math.max(
      1,
      Math.min(ctx.settings.idJagSeconds, agent.maxTokenLifetimeSeconds, decision.maxSessionSeconds),
    );
    const { expiresAt } = await recordGrantMint(input, {
      user: subject.user,
      decision,
      grantType: GRANT_TOKEN_EXCHANGE,
      kind: "id_jag",
      jti,
      audience,
      lifetimeSeconds: lifetime,
      authTime: subject.authTime,
    });
    const iat = Math.floor(now.getTime() / 1000);
    const exp = Math.floor(expiresAt.getTime() / 1000);
    const scope = decision.scopes.join(" ");
    // What the person and the agent may both reach there, tool by tool: the jwt-bearer mint never goes beyond it.
    const authorization_details = toolAuthorizationDetails(
      server.resourceUri,
      decision.tools.map((t) => t.name),
    );
    // The person as the enterprise IdP names them (the draft's `sub`: iss+sub is unique), so a native server's own
    // authorization server, which knows the IdP, can resolve them; `sub_id` (RFC 9493 "iss_sub") says whose subject it is.
    const token = await signToken(ctx.keys, TYP_ID_JAG, {
      iss: ctx.issuer,
      sub: subject.subject,
      sub_id: { format: "iss_sub", iss: subject.idp.issuer, sub: subject.subject },
      aud: audience,
      client_id: agent.clientId,
      jti,
      iat,
      exp,
      resource: server.resourceUri,
      scope,
      authorization_details,
      ...(subject.authTime ? { auth_time: Math.floor(subject.authTime.getTime() / 1000) } : {}),
      email: subject.user.email,
    });
    return jsonResponse(200, {
      access_token: token,
      issued_token_type: TOKEN_TYPE_ID_JAG,
      token_type: "N_A",
      expires_in: exp - iat,
      scope,
      authorization_details,
    });
  },
};
