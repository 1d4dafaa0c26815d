import { trustedIssuer, workloadRules } from "@/lib/db/stores/token-reads";
import { decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload } from "jose";
import { effectiveAccessOfAgent } from "@/lib/entitlements/effective-access";
import { issuerKeys } from "@/lib/federation/issuer-keys";
import { hasIssuerRole, parseIssuerAlgorithms } from "@/lib/federation/issuer-roles";
import { requiredClaimsOf, unmetClaim } from "@/lib/federation/workload-identities";
import { decideGrant, serverIn, targetResource } from "@/lib/tokens/grant-policy";
import { CLIENT_AUTH_PARAMS, findClient, type ClaimedClient, type ClientAgent } from "../client-auth";
import { headerOf, jsonResponse, type OAuthContext, type OAuthRequest, type OAuthResponse } from "../context";
import { GRANT_JWT_BEARER, TYP_ID_JAG } from "../defaults";
import { InvalidGrant, InvalidRequest } from "../errors";
import type { FormParams } from "../form-body";
import { splitScope } from "../form-body";
import { describeJoseError } from "../jose-errors";
import { mintClientCredentialsToken } from "./client-credentials";

/**
 * Platform workload tokens are short-lived: Kubernetes projected service
 * account tokens default to an hour (3607 s), SPIFFE JWT-SVIDs and CI tokens
 * live minutes. One whose lifetime exceeds this is refused rather than
 * honoured for long (RFC 7523 §3 lets the server bound `exp`).
 */
const MAX_WORKLOAD_JWT_SECONDS = 3_660;

/** Whether a request presents no client authentication and no client_id: the workload identity federation request. */
export function presentsNoClient(req: OAuthRequest, form: FormParams): boolean {
  return headerOf(req, "authorization") === undefined && !CLIENT_AUTH_PARAMS.some((p) => form.has(p));
}

/**
 * RFC 7523 §2.1 and §3 with a workload JWT as the assertion, as the MCP
 * workload identity federation extension (SEP-1933) has it: the request
 * carries `grant_type`, `assertion` and `resource` and no client
 * authentication or client_id — the JWT is the credential and an
 * admin-written rule (lib/federation/workload-identities.ts) names the
 * agent. Signature by a trusted issuer holding the workload role with an
 * allowed algorithm; `aud` Mandate's token endpoint or issuer (§3 item 3);
 * `exp` required and short; `iat` not in the future; each (iss, jti) once
 * when a jti is present; exactly one rule matches. The token is the agent's
 * own access on `resource`, minted as client_credentials mints it.
 */
export async function redeemWorkloadJwt(
  ctx: OAuthContext,
  req: OAuthRequest,
  form: FormParams,
  claimed: ClaimedClient,
  now: Date,
): Promise<OAuthResponse> {
  const assertion = form.get("assertion");
  if (!assertion) throw new InvalidRequest("assertion is required");
  const resource = targetResource(form.get("resource"));
  let iss: unknown;
  try {
    iss = decodeJwt(assertion).iss;
    if (decodeProtectedHeader(assertion).typ === TYP_ID_JAG)
      throw new InvalidGrant("an ID-JAG is redeemed by its authenticated client, not as a workload JWT");
  } catch (e) {
    if (e instanceof InvalidGrant) throw e;
    throw new InvalidGrant("assertion is not a JWT");
  }
  if (typeof iss !== "string") throw new InvalidGrant("assertion has no iss");

  const row = await trustedIssuer(ctx.db, iss);
  if (!row?.enabled || !hasIssuerRole(row.roles, "workload_issuer"))
    throw new InvalidGrant(`assertion issuer ${iss.slice(0, 200)} is not a trusted workload issuer`);
  const idp = { id: row.id, issuer: row.issuer, name: row.name, jwksUri: row.jwksUri, jwks: row.jwks };
  const keys = issuerKeys(ctx.remoteJwks, idp);
  if (!keys) throw new InvalidGrant("trusted workload issuer has no keys configured");

  let jwt: JWTPayload;
  try {
    ({ payload: jwt } = await jwtVerify(assertion, keys, {
      algorithms: parseIssuerAlgorithms(row.algorithms),
      issuer: idp.issuer,
      audience: [`${ctx.issuer}/oauth/token`, ctx.issuer],
      requiredClaims: ["exp", "sub"],
      clockTolerance: ctx.settings.clockSkewSeconds,
      currentDate: now,
    }));
  } catch (e) {
    throw new InvalidGrant(`assertion rejected: ${describeJoseError(e)}`);
  }
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (jwt.iat !== undefined && jwt.iat > nowSeconds + ctx.settings.clockSkewSeconds)
    throw new InvalidGrant("assertion is issued in the future");
  if (jwt.exp! - (jwt.iat ?? nowSeconds) > MAX_WORKLOAD_JWT_SECONDS)
    throw new InvalidGrant(`assertion lifetime exceeds ${MAX_WORKLOAD_JWT_SECONDS} seconds`);
  const sub = jwt.sub!;

  // The rules for this (issuer, sub); each one's required claims must all hold.
  const rules = await workloadRules(ctx.db, idp.id, sub);
  if (rules.length === 0)
    throw new InvalidGrant(`no workload identity rule of ${idp.name} names sub ${sub.slice(0, 200)}`);
  const unmet: string[] = [];
  const matching = rules.filter((r) => {
    const missing = unmetClaim(jwt as Record<string, unknown>, requiredClaimsOf(r.claims));
    if (missing !== null) unmet.push(missing);
    return missing === null;
  });
  if (matching.length === 0)
    throw new InvalidGrant(
      `sub ${sub.slice(0, 200)} is known to ${idp.name}, but the assertion's ${[...new Set(unmet)].join(", ")} claim does not hold the value a rule requires`,
    );
  const clientIds = [...new Set(matching.map((r) => r.clientId))];
  if (clientIds.length > 1)
    throw new InvalidGrant(
      `the workload identity matches rules of ${clientIds.length} agents (${clientIds.join(", ")}): ambiguous, refused`,
    );

  const agent: ClientAgent | null = await findClient(ctx.db, clientIds[0]!);
  if (!agent) throw new InvalidGrant("the workload identity's agent no longer exists");
  // From here a refusal is the agent's: the audit trail attributes it.
  claimed.clientId = agent.clientId;
  claimed.agent = agent;
  if (agent.status !== "active") throw new InvalidGrant(`agent ${agent.clientId} is ${agent.status}`);
  if (agent.kind !== "autonomous") throw new InvalidGrant(`agent ${agent.clientId} is not autonomous`);

  const claims = claimed.pendingJtis!;
  if (typeof jwt.jti === "string") {
    claims.push({
      key: `workload:${idp.issuer}:${jwt.jti}`,
      expiresAt: new Date((jwt.exp! + ctx.settings.clockSkewSeconds) * 1000),
      replay: { error: "invalid_grant", description: "assertion replayed (jti already used)" },
    });
  }
  // The agent's own access, decided exactly as client_credentials decides it.
  const access = await effectiveAccessOfAgent(ctx.db, agent.id, now);
  const server = serverIn(access, resource);
  const decision = decideGrant(access, server, splitScope(form.get("scope")));
  const minted = await mintClientCredentialsToken(
    { ctx, req, form, agent, now, claims, ownAccess: access },
    decision,
    GRANT_JWT_BEARER,
  );
  return jsonResponse(200, minted.response);
}
