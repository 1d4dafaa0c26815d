import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet, type JWTPayload } from "jose";
import type { OAuthContext } from "./context";
import { ID_TOKEN_ALGS } from "./defaults";
import { InvalidGrant } from "./errors";
import { describeJoseError } from "./jose-errors";

export interface SubjectUser {
  id: string;
  email: string;
  displayName: string;
}

export interface VerifiedSubject {
  idp: { id: string; name: string; issuer: string };
  user: SubjectUser;
  /** When the person last authenticated at the IdP (OIDC `auth_time`), if the IdP said. */
  authTime: Date | null;
  claims: JWTPayload;
}

/**
 * RFC 8693 subject_token = an OpenID Connect ID token from a trusted
 * enterprise IdP (OIDC Core §3.1.3.7): signature by the IdP's keys, its
 * issuer, our registered audience, expiry; then the person it names, matched
 * as the IdP's trust entry says (iss+sub, or a verified email).
 */
export async function verifySubjectIdToken(ctx: OAuthContext, token: string, now: Date): Promise<VerifiedSubject> {
  let iss: unknown;
  try {
    iss = decodeJwt(token).iss; // unverified: only to pick the IdP whose keys must verify it
  } catch {
    throw new InvalidGrant("subject_token is not a JWT");
  }
  if (typeof iss !== "string") throw new InvalidGrant("subject_token has no iss");
  const idp = await ctx.db.trustedIdp.findUnique({ where: { issuer: iss } });
  if (!idp || !idp.enabled) throw new InvalidGrant("subject_token issuer is not a trusted IdP");
  const keys = idp.jwks ? createLocalJWKSet(idp.jwks as unknown as JSONWebKeySet) : idp.jwksUri ? ctx.remoteJwks.get(idp.jwksUri) : null;
  if (!keys) throw new InvalidGrant("trusted IdP has no keys configured");
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(token, keys, {
      algorithms: [...ID_TOKEN_ALGS],
      issuer: idp.issuer,
      audience: idp.audience,
      requiredClaims: ["exp", "iat", "sub"],
      clockTolerance: ctx.settings.clockSkewSeconds,
      currentDate: now,
    }));
  } catch (e) {
    throw new InvalidGrant(`subject_token rejected: ${describeJoseError(e)}`);
  }
  // OIDC Core §2: with several audiences, azp must name the party the token was issued to.
  if (Array.isArray(claims.aud) && claims.aud.length > 1 && claims.azp !== idp.audience) throw new InvalidGrant("subject_token azp does not match");

  const select = { id: true, email: true, displayName: true, active: true } as const;
  let user;
  if (idp.userMatch === "email") {
    const email = typeof claims.email === "string" ? claims.email.toLowerCase() : null;
    if (!email || claims.email_verified === false) throw new InvalidGrant("subject_token has no verified email");
    user = await ctx.db.user.findUnique({ where: { email }, select });
  } else {
    user = await ctx.db.user.findUnique({ where: { idpIssuer_idpSubject: { idpIssuer: idp.issuer, idpSubject: String(claims.sub) } }, select });
  }
  if (!user || !user.active) throw new InvalidGrant("subject_token names no active person known to Mandate");
  const authTime = typeof claims.auth_time === "number" ? new Date(claims.auth_time * 1000) : null;
  return { idp: { id: idp.id, name: idp.name, issuer: idp.issuer }, user: { id: user.id, email: user.email, displayName: user.displayName }, authTime, claims };
}
