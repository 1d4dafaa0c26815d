import { trustedIssuer } from "@/lib/db/stores/token-reads";
import { jwtVerify, type JWTPayload } from "jose";
import { effectiveAccessOnBehalfOf } from "@/lib/entitlements/effective-access";
import { issuerKeys } from "@/lib/federation/issuer-keys";
import { hasIssuerRole, parseIssuerAlgorithms } from "@/lib/federation/issuer-roles";
import { decideGrant, registeredServer } from "@/lib/tokens/grant-policy";
import { type OAuthResponse } from "../context";
import { TYP_ID_JAG } from "../defaults";
import { InvalidGrant, InvalidScope, InvalidTarget } from "../errors";
import { splitScope } from "../form-body";
import { mintDelegatedAccessToken } from "./delegated-access-token";
import { describeJoseError } from "../jose-errors";
import { personNamedBy } from "../subject-token";
import { type GrantInput } from "./grant";

/**
 * ID-JAGs are short-lived grants (the draft's example lives five minutes):
 * one whose lifetime exceeds this is refused rather than honoured for long.
 */
const MAX_EXTERNAL_ID_JAG_SECONDS = 600;

/**
 * RFC 7523 §3 with an ID-JAG issued by a trusted enterprise IdP (the MCP
 * Enterprise-Managed Authorization extension; draft-ietf-oauth-identity-
 * assertion-authz-grant §"Access Token Request" processing rules): Mandate
 * is the authorization server of its gateway servers. Signature by that
 * issuer with an allowed algorithm, `typ` oauth-id-jag+jwt, `aud` Mandate's
 * issuer, `resource` a registered gateway server, `client_id` the
 * authenticated client, a short lifetime, and each (iss, jti) once. The
 * token's tools are the ID-JAG's scopes ∩ what the agent and the person reach
 * under Mandate's own policy.
 */
export async function redeemExternalIdJag(input: GrantInput, assertion: string, iss: string): Promise<OAuthResponse> {
  const { ctx, form, agent, now } = input;
  const row = await trustedIssuer(ctx.db, iss);
  if (!row?.enabled || !hasIssuerRole(row.roles, "id_jag_issuer"))
    throw new InvalidGrant("assertion issuer is not a trusted ID-JAG issuer");
  const idp = { id: row.id, issuer: row.issuer, jwksUri: row.jwksUri, jwks: row.jwks, userMatch: row.userMatch };
  const keys = issuerKeys(ctx.remoteJwks, idp);
  if (!keys) throw new InvalidGrant("trusted ID-JAG issuer has no keys configured");

  let jag: JWTPayload;
  try {
    ({ payload: jag } = await jwtVerify(assertion, keys, {
      algorithms: parseIssuerAlgorithms(row.algorithms),
      issuer: idp.issuer,
      audience: ctx.issuer,
      typ: TYP_ID_JAG,
      requiredClaims: ["exp", "iat", "jti", "sub", "client_id", "resource"],
      clockTolerance: ctx.settings.clockSkewSeconds,
      currentDate: now,
    }));
  } catch (e) {
    throw new InvalidGrant(`assertion rejected: ${describeJoseError(e)}`);
  }
  if (jag.exp! - jag.iat! > MAX_EXTERNAL_ID_JAG_SECONDS)
    throw new InvalidGrant(`assertion lifetime exceeds ${MAX_EXTERNAL_ID_JAG_SECONDS} seconds`);
  if (jag.iat! > Math.floor(now.getTime() / 1000) + ctx.settings.clockSkewSeconds)
    throw new InvalidGrant("assertion is issued in the future");
  if (jag.client_id !== agent.clientId) throw new InvalidGrant("assertion was issued to another client");
  if (typeof jag.jti !== "string" || typeof jag.resource !== "string")
    throw new InvalidGrant("assertion lacks jti or resource");

  // The resource must be a server Mandate is the authorization server of: a registered gateway server.
  const server = await registeredServer(ctx.db, jag.resource);
  if (server.enforcementMode !== "gateway")
    throw new InvalidTarget("the assertion's resource is not served through Mandate's gateway");
  const user = await personNamedBy(ctx, idp, jag, "assertion");

  // RFC 6749 §3.3: the grant's scopes bound the token; the client may narrow them. An ID-JAG without scopes grants nothing.
  const granted = splitScope(typeof jag.scope === "string" ? jag.scope : undefined);
  if (granted.length === 0) throw new InvalidScope("assertion carries no scope");
  const asked = splitScope(form.get("scope"));
  const requested = asked.length ? asked.filter((s) => granted.includes(s)) : granted;
  if (requested.length === 0) throw new InvalidScope("requested scope exceeds the assertion's scope");
  // Mandate's policy always applies: only what both the agent and the person reach there now.
  const access = await effectiveAccessOnBehalfOf(ctx.db, agent.id, user.id, now);
  const decision = decideGrant(access, server, requested);

  return mintDelegatedAccessToken(input, user, decision, {
    replayKey: `id_jag:${idp.issuer}:${jag.jti}`,
    exp: jag.exp!,
    authTime: typeof jag.auth_time === "number" ? new Date(jag.auth_time * 1000) : null,
  });
}
