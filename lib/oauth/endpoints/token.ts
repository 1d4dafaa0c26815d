import { authenticateClient, clientWithOwnAccessLookup, type ClaimedClient } from "../client-auth";
import type { OAuthContext, OAuthRequest, OAuthResponse } from "../context";
import { InvalidRequest, UnauthorizedClient, UnsupportedGrantType } from "../errors";
import { GRANT_CLIENT_CREDENTIALS, GRANT_JWT_BEARER } from "../defaults";
import { readForm } from "../form-body";
import { GRANTS, PUBLIC_CLIENT_GRANTS } from "../grants";
import { presentsNoClient, redeemWorkloadJwt } from "../grants/workload-jwt";
import { refuse } from "../refuse";

/**
 * POST /oauth/token (RFC 6749 §3.2). Steps, in order: read the bounded form
 * body → pick the grant → authenticate the client → check the client may use
 * that grant → let the grant decide and mint. Any refusal is audited and
 * mints nothing.
 */
export async function tokenEndpoint(ctx: OAuthContext, req: OAuthRequest): Promise<OAuthResponse> {
  const now = new Date();
  const claimed: ClaimedClient = { clientId: null, agent: null, pendingJtis: [] };
  let grantType: string | null = null;
  try {
    const form = await readForm(req);
    grantType = form.get("grant_type") ?? null;
    if (!grantType) throw new InvalidRequest("grant_type is required");
    const grant = GRANTS.get(grantType);
    if (!grant) throw new UnsupportedGrantType(`grant_type ${grantType.slice(0, 100)} is not supported`);
    // The MCP workload identity federation extension: a jwt-bearer request with no client at all is a workload
    // presenting its platform's JWT, and an admin-written rule names the agent (lib/oauth/grants/workload-jwt.ts).
    if (grantType === GRANT_JWT_BEARER && presentsNoClient(req, form))
      return await redeemWorkloadJwt(ctx, req, form, claimed, now);
    // client_credentials decides on what the agent reaches on its own: read with the client, in one statement.
    const lookup = grantType === GRANT_CLIENT_CREDENTIALS ? clientWithOwnAccessLookup(ctx.db, now) : undefined;
    const { agent, ownAccess } = await authenticateClient(ctx, req, form, claimed, lookup, {
      allowPublic: PUBLIC_CLIENT_GRANTS.has(grantType),
    });
    if (!agent.allowedGrantTypes.split(" ").includes(grantType))
      throw new UnauthorizedClient(`client may not use ${grantType}`);
    return await grant.handle({ ctx, req, form, agent, now, claims: claimed.pendingJtis!, ownAccess });
  } catch (err) {
    return refuse(ctx, req, err, "token", claimed, grantType);
  }
}
