import type { Db } from "@/lib/db/client";
import { jsonColumnValue, rawDate, rawNullableString, rawString } from "@/lib/db/raw-values";
import { readRows } from "@/lib/db/read-rows";

/*
 * The token endpoint's reads, each one indexed row, through readRows (the
 * driver's read-only path). Rows are read on every request — nothing here is
 * cached — so a suspended agent, an ended assignment or a revoked session
 * counts from the very next request, on every instance. Each returns typed
 * values; the grants decide on them.
 */

function rawBool(v: unknown): boolean {
  return v === true || v === 1 || v === 1n || v === "t" || v === "true";
}

/** A person as a grant reads them (null when the row has none). */
export interface GrantPerson {
  id: string;
  email: string;
  active: boolean;
}

function personOf(r: Record<string, unknown>): GrantPerson | null {
  if (r.userId === null || r.userId === undefined) return null;
  return { id: rawString(r.userId), email: rawString(r.email), active: rawBool(r.active) };
}

const CODE_SQL = `SELECT r."id", r."agentId", r."redirectUri", r."codeChallenge", r."resource", r."status", r."codeExpiresAt", r."redeemedAt",
  r."grantedScope", r."authTime", r."sessionId", u."id" AS "userId", u."email", u."active"
FROM "AuthorizationRequest" r LEFT JOIN "User" u ON u."id" = r."userId" WHERE r."codeHash" = $1`;

export interface AuthorizationCodeRow {
  id: string;
  agentId: string;
  redirectUri: string;
  codeChallenge: string;
  resource: string;
  codeExpiresAt: Date;
  redeemedAt: Date | null;
  grantedScope: string | null;
  authTime: Date | null;
  sessionId: string | null;
  user: GrantPerson | null;
}

/** The authorization request a code (by its hash) was issued for, with its person. */
export async function authorizationCodeByHash(db: Db, hash: string): Promise<AuthorizationCodeRow | null> {
  const [r] = await readRows(db, CODE_SQL, [hash]);
  if (!r) return null;
  return {
    id: rawString(r.id),
    agentId: rawString(r.agentId),
    redirectUri: rawString(r.redirectUri),
    codeChallenge: rawString(r.codeChallenge),
    resource: rawString(r.resource),
    codeExpiresAt: rawDate(r.codeExpiresAt)!,
    redeemedAt: rawDate(r.redeemedAt),
    grantedScope: rawNullableString(r.grantedScope),
    authTime: rawDate(r.authTime),
    sessionId: rawNullableString(r.sessionId),
    user: personOf(r),
  };
}

const REFRESH_SQL = `SELECT t."kind", t."clientId", t."revokedAt", t."expiresAt", t."scopes", t."audience", t."sessionId",
  s."status", s."expiresAt" AS "sessionExpiresAt", s."reauthDueAt", s."authTime", u."id" AS "userId", u."email", u."active",
  (SELECT 1 FROM "SeenJti" j WHERE j."key" = $2) AS "used"
FROM "IssuedToken" t JOIN "AgentSession" s ON s."id" = t."sessionId" LEFT JOIN "User" u ON u."id" = s."userId" WHERE t."jti" = $1`;

export interface RefreshTokenRow {
  kind: string;
  clientId: string;
  revokedAt: Date | null;
  expiresAt: Date;
  scopes: string;
  audience: string;
  sessionId: string;
  sessionStatus: string;
  sessionExpiresAt: Date;
  reauthDueAt: Date | null;
  authTime: Date | null;
  user: GrantPerson | null;
  /** Whether `claimKey` was already claimed (the token was presented before). */
  used: boolean;
}

/** An issued token by its stored jti (a refresh token's hash), with its session and person, and whether `claimKey` is taken. */
export async function refreshTokenByHash(db: Db, hash: string, claimKey: string): Promise<RefreshTokenRow | null> {
  const [r] = await readRows(db, REFRESH_SQL, [hash, claimKey]);
  if (!r) return null;
  return {
    kind: rawString(r.kind),
    clientId: rawString(r.clientId),
    revokedAt: rawDate(r.revokedAt),
    expiresAt: rawDate(r.expiresAt)!,
    scopes: rawString(r.scopes),
    audience: rawString(r.audience),
    sessionId: rawString(r.sessionId),
    sessionStatus: rawString(r.status),
    sessionExpiresAt: rawDate(r.sessionExpiresAt)!,
    reauthDueAt: rawDate(r.reauthDueAt),
    authTime: rawDate(r.authTime),
    user: personOf(r),
    used: r.used !== null && r.used !== undefined,
  };
}

const ISSUED_GRANT_SQL = `SELECT t."kind", t."clientId", t."revokedAt", s."status", s."expiresAt", u."id" AS "userId", u."email", u."active"
FROM "IssuedToken" t JOIN "AgentSession" s ON s."id" = t."sessionId" LEFT JOIN "User" u ON u."id" = s."userId" WHERE t."jti" = $1`;

export interface IssuedGrantRow {
  kind: string;
  clientId: string;
  revokedAt: Date | null;
  sessionStatus: string;
  sessionExpiresAt: Date;
  user: GrantPerson | null;
}

/** A token Mandate issued, by jti, with its session and the person it was issued for. */
export async function issuedGrantByJti(db: Db, jti: string): Promise<IssuedGrantRow | null> {
  const [r] = await readRows(db, ISSUED_GRANT_SQL, [jti]);
  if (!r) return null;
  return {
    kind: rawString(r.kind),
    clientId: rawString(r.clientId),
    revokedAt: rawDate(r.revokedAt),
    sessionStatus: rawString(r.status),
    sessionExpiresAt: rawDate(r.expiresAt)!,
    user: personOf(r),
  };
}

const TRUSTED_ISSUER_SQL = `SELECT "id", "name", "issuer", "roles", "jwksUri", "jwks", "algorithms", "userMatch", "enabled" FROM "TrustedIdp" WHERE "issuer" = $1`;

export interface TrustedIssuerRow {
  id: string;
  name: string;
  issuer: string;
  roles: string;
  jwksUri: string | null;
  /** The registered JWK Set, parsed (null: none). */
  jwks: unknown;
  algorithms: string;
  userMatch: string;
  enabled: boolean;
}

/** A trusted issuer's entry by its issuer identifier. */
export async function trustedIssuer(db: Db, issuer: string): Promise<TrustedIssuerRow | null> {
  const [r] = await readRows(db, TRUSTED_ISSUER_SQL, [issuer]);
  if (!r) return null;
  return {
    id: rawString(r.id),
    name: rawString(r.name),
    issuer: rawString(r.issuer),
    roles: rawString(r.roles),
    jwksUri: rawNullableString(r.jwksUri),
    jwks: jsonColumnValue(r.jwks),
    algorithms: rawString(r.algorithms),
    userMatch: rawString(r.userMatch),
    enabled: rawBool(r.enabled),
  };
}

/** The agent an issuer's client (its OIDC client_id) is bound to; null when none is. */
export async function agentOfIssuerClient(db: Db, idpId: string, clientId: string): Promise<string | null> {
  const [r] = await readRows(db, `SELECT "agentId" FROM "AgentIdpClient" WHERE "idpId" = $1 AND "clientId" = $2`, [
    idpId,
    clientId,
  ]);
  return r ? rawString(r.agentId) : null;
}

/** The workload identity rules naming (issuer, subject): each rule's required claims (parsed) and its agent's client_id. */
export async function workloadRules(
  db: Db,
  idpId: string,
  subject: string,
): Promise<{ id: string; claims: unknown; clientId: string }[]> {
  const rows = await readRows(
    db,
    `SELECT w."id", w."claims", a."clientId" FROM "AgentWorkloadIdentity" w JOIN "Agent" a ON a."id" = w."agentId" WHERE w."idpId" = $1 AND w."subject" = $2`,
    [idpId, subject],
  );
  return rows.map((r) => ({ id: rawString(r.id), claims: jsonColumnValue(r.claims), clientId: rawString(r.clientId) }));
}

const PERSON_COLUMNS = `SELECT "id", "email", "displayName", "active" FROM "User"`;

export interface NamedPerson {
  id: string;
  email: string;
  displayName: string;
  active: boolean;
}

/** The person (not deleted) with this email, or with this (issuer, subject) — as a trusted issuer's entry says to match. */
export async function personBy(
  db: Db,
  match: { email: string } | { issuer: string; subject: string },
): Promise<NamedPerson | null> {
  const rows =
    "email" in match
      ? await readRows(db, `${PERSON_COLUMNS} WHERE "email" = $1 AND "deletedAt" IS NULL`, [match.email])
      : await readRows(db, `${PERSON_COLUMNS} WHERE "idpIssuer" = $1 AND "idpSubject" = $2 AND "deletedAt" IS NULL`, [
          match.issuer,
          match.subject,
        ]);
  const r = rows[0];
  return r
    ? {
        id: rawString(r.id),
        email: rawString(r.email),
        displayName: rawString(r.displayName),
        active: rawBool(r.active),
      }
    : null;
}
