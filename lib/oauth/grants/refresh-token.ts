import { refreshTokenByHash } from "@/lib/db/stores/token-reads";
import { effectiveAccessOnBehalfOf } from "@/lib/entitlements/effective-access";
import { revokeForReuse } from "@/lib/interactive/reuse-detected";
import { isAudited } from "@/lib/tokens/mint-writer";
import { decideGrant, serverIn, targetResource } from "@/lib/tokens/grant-policy";
import { GRANT_REFRESH_TOKEN } from "../defaults";
import { InvalidGrant, InvalidRequest, InvalidScope, InvalidTarget, OAuthError } from "../errors";
import { splitScope } from "../form-body";
import { mintWithRefresh, newRefreshToken, refreshTokenHash } from "./authorization-code";
import type { Grant } from "./grant";

/**
 * RFC 6749 §6 for interactive clients only, as OAuth 2.1 §4.3 and RFC 9700
 * §4.14.2 require of public clients: every refresh token is single use and
 * rotated — a new one comes with every access token, in the same session.
 * A refresh token presented a second time means it was copied: the session
 * (the token family) is revoked. A refresh token lives no longer than its
 * session, which revocation (console, API, offboarding, kill switch) ends at
 * once, and no longer than the entitlement's re-authentication interval,
 * after which the person must sign in again. Access is decided again on
 * every refresh.
 */
export const refreshTokenGrant: Grant = {
  type: GRANT_REFRESH_TOKEN,
  async handle(input) {
    const { ctx, form, agent, now, req } = input;
    const presented = form.get("refresh_token");
    if (!presented) throw new InvalidRequest("refresh_token is required");
    const hash = refreshTokenHash(presented);
    const claimKey = `refresh:${hash}`;
    const row = await refreshTokenByHash(ctx.db, hash, claimKey);
    if (row?.kind !== "refresh_token") throw new InvalidGrant("refresh token is not valid");
    if (row.clientId !== agent.clientId) throw new InvalidGrant("refresh token was issued to another client");
    const sessionId = row.sessionId;
    const reuse = () =>
      revokeForReuse(
        ctx.db,
        { sessionId, token: "refresh_token", agent, clientAddress: req.clientAddress, requestId: req.requestId },
        now,
      );
    if (row.used) {
      await reuse();
      throw new InvalidGrant("refresh token was already used; its session is revoked");
    }
    if (row.revokedAt || row.sessionStatus !== "active") throw new InvalidGrant("refresh token was revoked");
    const expiresAt = row.expiresAt;
    if (expiresAt <= now || row.sessionExpiresAt <= now)
      throw new InvalidGrant("refresh token has expired; sign in again");
    const reauthDueAt = row.reauthDueAt;
    if (reauthDueAt && reauthDueAt <= now) throw new InvalidGrant("re-authentication is due; sign in again");
    // RFC 8707 §2.2: a refresh may name the resource; it can only be the one the grant is for.
    const resource = targetResource(form.get("resource") ?? row.audience);
    if (resource !== row.audience)
      throw new InvalidTarget("resource differs from the one this refresh token was issued for");
    if (!row.user?.active) throw new InvalidGrant("the person is no longer active");
    const user = { id: row.user.id, email: row.user.email };

    // RFC 6749 §6: the scope may be narrowed, never widened.
    const granted = splitScope(row.scopes);
    const asked = splitScope(form.get("scope"));
    const requested = asked.length ? asked.filter((s) => granted.includes(s)) : granted;
    if (requested.length === 0) throw new InvalidScope("requested scope exceeds the refresh token's scope");

    input.claims.push({
      key: claimKey,
      expiresAt: new Date(expiresAt.getTime() + ctx.settings.clockSkewSeconds * 1000),
      replay: { error: "invalid_grant", description: "refresh token was already used" },
    });
    const access = await effectiveAccessOnBehalfOf(ctx.db, agent.id, user.id, now);
    const decision = decideGrant(access, serverIn(access, resource), requested);
    try {
      const minted = await mintWithRefresh(input, {
        user,
        decision,
        grantType: GRANT_REFRESH_TOKEN,
        authTime: row.authTime,
        refresh: newRefreshToken(),
      });
      return minted.response;
    } catch (e) {
      // Two uses at once: the one that lost is the reuse.
      if (isAudited(e) && e instanceof OAuthError && e.error === "invalid_grant") await reuse();
      throw e;
    }
  },
};
