import { agentOfIssuerClient, personBy, trustedIssuer } from "@/lib/db/stores/token-reads";
import { decodeJwt, jwtVerify, type JWTPayload } from "jose";
import { issuerKeys } from "@/lib/federation/issuer-keys";
import { hasIssuerRole, parseIssuerAlgorithms } from "@/lib/federation/issuer-roles";
import type { OAuthContext } from "./context";
import { InvalidGrant } from "./errors";
import { describeJoseError } from "./jose-errors";

export interface SubjectUser {
  id: string;
  email: string;
  displayName: string;
}

export interface VerifiedSubject {
  idp: { id: string; name: string; issuer: string };
  /** The person's subject identifier at the IdP (the ID token's `sub`). */
  subject: string;
  user: SubjectUser;
  /** When the person last authenticated at the IdP (OIDC `auth_time`), if the IdP said. */
  authTime: Date | null;
  claims: JWTPayload;
}

/**
 * The client an ID token was issued to (OIDC Core §2): its only audience, or
 * `azp` when it has several. An `azp` that disagrees with a single audience
 * names no one.
 */
export function idTokenIssuedTo(claims: JWTPayload): string | null {
  const auds = Array.isArray(claims.aud) ? claims.aud : typeof claims.aud === "string" ? [claims.aud] : [];
  const azp = typeof claims.azp === "string" ? claims.azp : null;
  if (auds.length === 1) return azp === null || azp === auds[0] ? (auds[0] ?? null) : null;
  return azp !== null && auds.includes(azp) ? azp : null;
}

/**
 * RFC 8693 subject_token = an OpenID Connect ID token from a trusted
 * enterprise IdP (OIDC Core §3.1.3.7): signature by the IdP's keys with one of
 * its allowed algorithms, its issuer, expiry. It must have been issued to the
 * presenting agent — one of the agent's client ids at that IdP — as the
 * ID-JAG draft's token-exchange processing rules require, so an agent cannot
 * exchange a token that was issued to another client. Then the person it
 * names, matched as the IdP's trust entry says: issuer + subject, or a
 * verified email.
 */
export async function verifySubjectIdToken(
  ctx: OAuthContext,
  token: string,
  agentId: string,
  now: Date,
): Promise<VerifiedSubject> {
  let iss: unknown;
  try {
    iss = decodeJwt(token).iss; // unverified: only to pick the IdP whose keys must verify it
  } catch {
    throw new InvalidGrant("subject_token is not a JWT");
  }
  if (typeof iss !== "string") throw new InvalidGrant("subject_token has no iss");
  const row = await trustedIssuer(ctx.db, iss);
  if (!row?.enabled || !hasIssuerRole(row.roles, "enterprise_idp")) {
    throw new InvalidGrant("subject_token issuer is not a trusted enterprise IdP");
  }
  const idp = {
    id: row.id,
    name: row.name,
    issuer: row.issuer,
    jwksUri: row.jwksUri,
    jwks: row.jwks,
    algorithms: parseIssuerAlgorithms(row.algorithms),
    userMatch: row.userMatch,
  };
  const keys = issuerKeys(ctx.remoteJwks, idp);
  if (!keys) throw new InvalidGrant("trusted IdP has no keys configured");
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(token, keys, {
      algorithms: idp.algorithms,
      issuer: idp.issuer,
      requiredClaims: ["exp", "iat", "sub", "aud"],
      clockTolerance: ctx.settings.clockSkewSeconds,
      currentDate: now,
    }));
  } catch (e) {
    throw new InvalidGrant(`subject_token rejected: ${describeJoseError(e)}`);
  }

  const issuedTo = idTokenIssuedTo(claims);
  if (!issuedTo) throw new InvalidGrant("subject_token does not say which client it was issued to (aud, azp)");
  const bound = await agentOfIssuerClient(ctx.db, idp.id, issuedTo);
  if (bound !== agentId) throw new InvalidGrant("subject_token was issued to another client");

  const subject = String(claims.sub);
  const user = await personNamedBy(ctx, idp, claims, "subject_token");
  const authTime = typeof claims.auth_time === "number" ? new Date(claims.auth_time * 1000) : null;
  return { idp: { id: idp.id, name: idp.name, issuer: idp.issuer }, subject, user, authTime, claims };
}

/**
 * The active person a trusted issuer's token names, as that issuer's trust
 * entry says: by (issuer, subject) — which SCIM provisioning and console SSO
 * fill — or, where the admin chose it, by an email the issuer has verified
 * (OIDC Core §5.1 email_verified).
 */
export async function personNamedBy(
  ctx: OAuthContext,
  idp: { issuer: string; userMatch: string },
  claims: JWTPayload,
  what: string,
): Promise<SubjectUser> {
  let found;
  if (idp.userMatch === "email") {
    const email = typeof claims.email === "string" ? claims.email.trim().toLowerCase() : null;
    if (!email || claims.email_verified !== true) throw new InvalidGrant(`${what} has no verified email`);
    found = await personBy(ctx.db, { email });
  } else {
    found = await personBy(ctx.db, { issuer: idp.issuer, subject: String(claims.sub) });
  }
  if (!found?.active) throw new InvalidGrant(`${what} names no active person known to Mandate`);
  return { id: found.id, email: found.email, displayName: found.displayName };
}
