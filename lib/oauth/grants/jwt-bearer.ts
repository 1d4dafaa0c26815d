import { issuedGrantByJti } from "@/lib/db/stores/token-reads";
import { decodeJwt } from "jose";
import { effectiveAccessOnBehalfOf } from "@/lib/entitlements/effective-access";
import { decideGrant, serverIn, targetResource } from "@/lib/tokens/grant-policy";
import { verifyOwnToken } from "@/lib/tokens/verify-own-token";
import { grantedToolNames } from "../authorization-details";
import { GRANT_JWT_BEARER, TYP_ID_JAG } from "../defaults";
import { InvalidGrant, InvalidRequest, InvalidScope } from "../errors";
import { splitScope } from "../form-body";
import { mintDelegatedAccessToken } from "./delegated-access-token";
import { redeemExternalIdJag } from "./external-id-jag";
import type { Grant } from "./grant";

/** The assertion's `iss`, unverified: only to choose whose keys must verify it. */
function unverifiedIssuer(assertion: string): string | null {
  try {
    const iss = decodeJwt(assertion).iss;
    return typeof iss === "string" ? iss : null;
  } catch {
    return null;
  }
}

/**
 * RFC 7523 §2.1 with an ID-JAG as the assertion (draft-ietf-oauth-identity-
 * assertion-authz-grant §"Access Token Request"): only ID-JAGs Mandate issued
 * itself, for itself, to this very client, once. The access token names the
 * person as `sub` and the agent as the actor (RFC 8693 §4.1 `act`).
 */
export const jwtBearerGrant: Grant = {
  type: GRANT_JWT_BEARER,
  async handle(input) {
    const { ctx, form, agent, now } = input;
    const assertion = form.get("assertion");
    if (!assertion) throw new InvalidRequest("assertion is required");
    // An ID-JAG from a trusted enterprise IdP (Okta, Entra, …) for a gateway server; Mandate's own otherwise.
    const iss = unverifiedIssuer(assertion);
    if (iss !== null && iss !== ctx.issuer) return redeemExternalIdJag(input, assertion, iss);
    const checked = await verifyOwnToken(ctx.keys, assertion, {
      issuer: ctx.issuer,
      audience: ctx.issuer,
      typ: TYP_ID_JAG,
      now,
      clockSkewSeconds: ctx.settings.clockSkewSeconds,
    });
    if (!checked.ok) throw new InvalidGrant(`assertion rejected: ${checked.reason}`);
    const jag = checked.payload;
    if (jag.client_id !== agent.clientId) throw new InvalidGrant("assertion was issued to another client");
    if (typeof jag.sub !== "string" || typeof jag.resource !== "string" || typeof jag.jti !== "string")
      throw new InvalidGrant("assertion lacks sub, resource or jti");

    // The grant as issued, its session, and the person it was issued for: one read. The ID-JAG's `sub` is the
    // person's subject at their IdP; Mandate's own record of the grant says who that is.
    const issued = await issuedGrantByJti(ctx.db, jag.jti);
    if (issued?.kind !== "id_jag" || issued.clientId !== agent.clientId)
      throw new InvalidGrant("assertion is not a grant Mandate issued");
    if (issued.revokedAt || issued.sessionStatus !== "active" || issued.sessionExpiresAt <= now)
      throw new InvalidGrant("assertion or its session was revoked or has ended");
    if (!issued.user?.active) throw new InvalidGrant("the person is no longer active");
    const user = { id: issued.user.id, email: issued.user.email };
    const resource = targetResource(jag.resource);

    // RFC 6749 §3.3: a client may narrow the grant's scope, never widen it.
    const granted = splitScope(typeof jag.scope === "string" ? jag.scope : undefined);
    const asked = splitScope(form.get("scope"));
    const requested = asked.length ? asked.filter((s) => granted.includes(s)) : granted;
    if (requested.length === 0) throw new InvalidScope("requested scope exceeds the assertion's scope");
    // Nor its tools: the access token's tools are the ID-JAG's ∩ what both still reach now.
    const jagTools = grantedToolNames(jag.authorization_details, resource);
    if (!jagTools) throw new InvalidGrant("assertion carries no authorization_details for its resource");
    // Policy is re-read: an assignment ended since the ID-JAG was issued takes effect now.
    const access = await effectiveAccessOnBehalfOf(ctx.db, agent.id, user.id, now);
    const server = serverIn(access, resource);
    const decision = decideGrant(access, server, requested, jagTools);

    return mintDelegatedAccessToken(input, user, decision, {
      replayKey: `id_jag:${jag.jti}`,
      exp: jag.exp ?? 0,
      authTime: typeof jag.auth_time === "number" ? new Date(jag.auth_time * 1000) : null,
    });
  },
};
