import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet, type JWTPayload } from "jose";
import type { OAuthContext } from "./context";
import { ID_TOKEN_ALGS } from "./defaults";
import { InvalidGrant } from "./errors";
import { describeJoseError } from "./jose-errors";
import { rawBool, rawJson, rawNullableString, rawString, readRows } from "./store-reads";

// Imported keys of each IdP's configured JWK Set, reused while the set is unchanged.
const keySets = new Map<string, { source: string; set: ReturnType<typeof createLocalJWKSet> }>();

function idpKeys(idpId: string, jwks: unknown): ReturnType<typeof createLocalJWKSet> {
  const source = typeof jwks === "string" ? jwks : JSON.stringify(jwks);
  const hit = keySets.get(idpId);
  if (hit && hit.source === source) return hit.set;
  const set = createLocalJWKSet(rawJson(jwks) as JSONWebKeySet);
  if (keySets.size > 1000) keySets.clear();
  keySets.set(idpId, { source, set });
  return set;
}

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
  const [row] = await readRows(ctx.db, `SELECT "id", "name", "issuer", "jwksUri", "jwks", "audience", "userMatch", "enabled" FROM "TrustedIdp" WHERE "issuer" = $1`, [iss]);
  if (!row || !rawBool(row.enabled)) throw new InvalidGrant("subject_token issuer is not a trusted IdP");
  const idp = {
    id: rawString(row.id), name: rawString(row.name), issuer: rawString(row.issuer), jwksUri: rawNullableString(row.jwksUri), jwks: row.jwks ?? null,
    audience: rawString(row.audience), userMatch: rawString(row.userMatch),
  };
  const keys = idp.jwks ? idpKeys(idp.id, idp.jwks) : idp.jwksUri ? ctx.remoteJwks.get(idp.jwksUri) : null;
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

  const columns = `SELECT "id", "email", "displayName", "active" FROM "User"`;
  let rows;
  if (idp.userMatch === "email") {
    const email = typeof claims.email === "string" ? claims.email.toLowerCase() : null;
    if (!email || claims.email_verified === false) throw new InvalidGrant("subject_token has no verified email");
    rows = await readRows(ctx.db, `${columns} WHERE "email" = $1`, [email]);
  } else {
    rows = await readRows(ctx.db, `${columns} WHERE "idpIssuer" = $1 AND "idpSubject" = $2`, [idp.issuer, String(claims.sub)]);
  }
  const found = rows[0];
  if (!found || !rawBool(found.active)) throw new InvalidGrant("subject_token names no active person known to Mandate");
  const user = { id: rawString(found.id), email: rawString(found.email), displayName: rawString(found.displayName) };
  const authTime = typeof claims.auth_time === "number" ? new Date(claims.auth_time * 1000) : null;
  return { idp: { id: idp.id, name: idp.name, issuer: idp.issuer }, user: { id: user.id, email: user.email, displayName: user.displayName }, authTime, claims };
}
