import { createHash, randomBytes, randomUUID } from "node:crypto";
import { authorizationCodeByHash } from "@/lib/db/stores/token-reads";
import { effectiveAccessOnBehalfOf } from "@/lib/entitlements/effective-access";
import { codeHashOf } from "@/lib/interactive/consent";
import { revokeForReuse } from "@/lib/interactive/reuse-detected";
import { isAudited } from "@/lib/tokens/mint-writer";
import { decideGrant, serverIn, targetResource } from "@/lib/tokens/grant-policy";
import { signToken } from "@/lib/tokens/sign-token";
import { toolAuthorizationDetails } from "../authorization-details";
import { jsonResponse } from "../context";
import { GRANT_AUTHORIZATION_CODE, GRANT_REFRESH_TOKEN, TYP_ACCESS_TOKEN } from "../defaults";
import { InvalidGrant, InvalidRequest, InvalidTarget, OAuthError } from "../errors";
import { accessTokenLifetime, recordGrantMint, type Grant, type GrantInput } from "./grant";

/** RFC 7636 §4.1 */
const CODE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

export const sha256Base64Url = (v: string) => createHash("sha256").update(v, "ascii").digest("base64url");
export const refreshTokenHash = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");
/** Opaque, 256 bits; the store keeps only its hash. */
export const newRefreshToken = () => `mrt_${randomBytes(32).toString("base64url")}`;

/**
 * RFC 6749 §4.1.3 as OAuth 2.1 §4.1.3 profiles it: the code is bound to its
 * client, redirect URI, PKCE verifier (S256) and RFC 8707 resource; it is
 * redeemed once — a second redemption revokes the session the first opened
 * (RFC 9700 §4.5). Scopes are decided again from effective access at
 * redemption (decideGrant, the same as every mint), so access removed since
 * the consent screen counts.
 */
export const authorizationCodeGrant: Grant = {
  type: GRANT_AUTHORIZATION_CODE,
  async handle(input) {
    const { ctx, form, agent, now } = input;
    const code = form.get("code");
    if (!code) throw new InvalidRequest("code is required");
    const verifier = form.get("code_verifier");
    if (!verifier) throw new InvalidRequest("code_verifier is required (PKCE)");
    const resource = targetResource(form.get("resource"));
    const hash = codeHashOf(code);

    const row = await authorizationCodeByHash(ctx.db, hash);
    if (!row) throw new InvalidGrant("authorization code is not valid");
    const authorizationId = row.id;
    if (row.agentId !== agent.id) throw new InvalidGrant("authorization code was issued to another client");
    if (row.redeemedAt !== null) {
      await replayed(input, authorizationId, row.sessionId);
      throw new InvalidGrant("authorization code was already used; the tokens issued with it are revoked");
    }
    if (row.codeExpiresAt <= now) throw new InvalidGrant("authorization code has expired");
    // OAuth 2.1 §4.1.3: the same redirect_uri as in the authorization request.
    if (form.get("redirect_uri") !== row.redirectUri)
      throw new InvalidGrant("redirect_uri does not match the authorization request");
    if (!CODE_VERIFIER.test(verifier) || sha256Base64Url(verifier) !== row.codeChallenge)
      throw new InvalidGrant("code_verifier does not match the code_challenge");
    if (resource !== row.resource) throw new InvalidTarget("resource differs from the authorization request");
    if (!row.user?.active) throw new InvalidGrant("the person is no longer active");
    const user = { id: row.user.id, email: row.user.email };

    // Single use, committed with the mint (or with the refusal): of two concurrent redemptions one fails.
    input.claims.push({
      key: `code:${hash}`,
      expiresAt: new Date(now.getTime() + 24 * 3600_000),
      replay: { error: "invalid_grant", description: "authorization code was already used" },
    });
    const access = await effectiveAccessOnBehalfOf(ctx.db, agent.id, user.id, now);
    const server = serverIn(access, resource);
    const decision = decideGrant(access, server, (row.grantedScope ?? "").split(" ").filter(Boolean));
    const authTime = row.authTime;
    const interval = decision.reauthIntervalSeconds;
    if (interval !== null && (!authTime || now.getTime() - authTime.getTime() > interval * 1000))
      throw new InvalidGrant("the person must sign in again (re-authentication interval)");

    const refresh = agent.allowedGrantTypes.split(" ").includes(GRANT_REFRESH_TOKEN) ? newRefreshToken() : null;
    let minted;
    try {
      minted = await mintWithRefresh(input, { user, decision, grantType: GRANT_AUTHORIZATION_CODE, authTime, refresh });
    } catch (e) {
      // Redeemed concurrently: the other redemption's session is the one to revoke.
      if (isAudited(e) && e instanceof OAuthError && e.error === "invalid_grant")
        await replayed(input, authorizationId, null);
      throw e;
    }
    // Which session the code opened, so that a later replay can revoke it; a replay that came first is honoured now.
    const marked = await ctx.db.authorizationRequest.update({
      where: { id: authorizationId },
      data: { status: "redeemed", redeemedAt: now, sessionId: minted.sessionId },
      select: { replayedAt: true },
    });
    if (marked.replayedAt) {
      await revokeForReuse(
        ctx.db,
        {
          sessionId: minted.sessionId,
          token: "authorization_code",
          agent,
          clientAddress: input.req.clientAddress,
          requestId: input.req.requestId,
        },
        now,
      );
      throw new InvalidGrant("authorization code was already used; the tokens issued with it are revoked");
    }
    return minted.response;
  },
};

/** A code presented again: revoke its session, or flag it for the redemption still in flight. */
async function replayed(input: GrantInput, authorizationId: string, sessionId: string | null): Promise<void> {
  const { ctx, agent, now, req } = input;
  let session = sessionId;
  if (!session) {
    const row = await ctx.db.authorizationRequest.update({
      where: { id: authorizationId },
      data: { replayedAt: now },
      select: { sessionId: true },
    });
    session = row.sessionId;
  }
  await revokeForReuse(
    ctx.db,
    {
      sessionId: session,
      token: "authorization_code",
      agent,
      clientAddress: req.clientAddress,
      requestId: req.requestId,
    },
    now,
  );
}

/**
 * The mint shared by the interactive grants: an access token, and (when the
 * client may refresh) a new refresh token in the same session and commit.
 */
export async function mintWithRefresh(
  input: GrantInput,
  m: {
    user: { id: string; email: string };
    decision: ReturnType<typeof decideGrant>;
    grantType: string;
    authTime: Date | null;
    refresh: string | null;
  },
): Promise<{ sessionId: string; response: ReturnType<typeof jsonResponse> }> {
  const { ctx, agent, now } = input;
  const jti = randomUUID();
  const { sessionId, expiresAt, refreshExpiresAt } = await recordGrantMint(input, {
    user: m.user,
    decision: m.decision,
    grantType: m.grantType,
    kind: "access_token",
    jti,
    audience: m.decision.server.resourceUri,
    lifetimeSeconds: accessTokenLifetime(input, m.decision.maxSessionSeconds),
    authTime: m.authTime,
    refreshToken: m.refresh ? { jti: refreshTokenHash(m.refresh) } : null,
  });
  const iat = Math.floor(now.getTime() / 1000);
  const exp = Math.floor(expiresAt.getTime() / 1000);
  const scope = m.decision.scopes.join(" ");
  // RFC 9396 §9.1 and §7: the tools it may call, as every access token carries them.
  const authorization_details = toolAuthorizationDetails(
    m.decision.server.resourceUri,
    m.decision.tools.map((t) => t.name),
  );
  // RFC 9068 §2.2: the person is the subject; the client acts for them (RFC 8693 §4.1 `act`), as a delegated agent's token says.
  const token = await signToken(ctx.keys, TYP_ACCESS_TOKEN, {
    iss: ctx.issuer,
    sub: m.user.id,
    aud: m.decision.server.resourceUri,
    client_id: agent.clientId,
    scope,
    authorization_details,
    sid: sessionId,
    jti,
    iat,
    exp,
    act: { sub: agent.clientId },
    ...(m.authTime ? { auth_time: Math.floor(m.authTime.getTime() / 1000) } : {}),
  });
  const body: Record<string, unknown> = {
    access_token: token,
    token_type: "Bearer",
    expires_in: exp - iat,
    scope,
    authorization_details,
  };
  if (m.refresh && refreshExpiresAt && refreshExpiresAt > now) {
    body.refresh_token = m.refresh;
    body.refresh_token_expires_in = Math.floor((refreshExpiresAt.getTime() - now.getTime()) / 1000);
  }
  return { sessionId, response: jsonResponse(200, body) };
}
