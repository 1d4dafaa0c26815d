/**
 * Every tunable of the token service in one place, each with the rule it
 * follows. Values come from the environment once, at first use.
 */
export const GRANT_CLIENT_CREDENTIALS = "client_credentials";
/** RFC 6749 §4.1, with PKCE (RFC 7636) required: interactive clients only. */
export const GRANT_AUTHORIZATION_CODE = "authorization_code";
/** RFC 6749 §6: interactive clients only, rotated on every use. */
export const GRANT_REFRESH_TOKEN = "refresh_token";
/** RFC 8693 §2.1 */
export const GRANT_TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
/** RFC 7523 §2.1 */
export const GRANT_JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/** RFC 7523 §2.2 */
export const CLIENT_ASSERTION_TYPE_JWT = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/** draft-ietf-oauth-identity-assertion-authz-grant: the token type an ID-JAG is requested and issued as. */
export const TOKEN_TYPE_ID_JAG = "urn:ietf:params:oauth:token-type:id-jag";
export const TOKEN_TYPE_ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";
/** draft-ietf-oauth-identity-assertion-authz-grant: the JWT `typ` of an ID-JAG (RFC 8725 §3.11 explicit typing). */
export const TYP_ID_JAG = "oauth-id-jag+jwt";
/** RFC 9068 §2.1 */
export const TYP_ACCESS_TOKEN = "at+jwt";
/** RFC 8414 metadata value naming the ID-JAG grant profile. */
export const GRANT_PROFILE_ID_JAG = "urn:ietf:params:oauth:grant-profile:id-jag";

/** Algorithms accepted on client assertions and subject ID tokens: asymmetric only, never `none` or HS*. */
export const CLIENT_ASSERTION_ALGS = ["ES256", "EdDSA", "RS256"] as const;
export const ID_TOKEN_ALGS = ["RS256", "ES256", "EdDSA", "PS256"] as const;

export interface TokenServiceSettings {
  /** Upper bound of any access token's lifetime (RFC 9068 tokens are not revocable at the resource without introspection). */
  accessTokenMaxSeconds: number;
  /** ID-JAGs are single-use grants: short by design (draft §"ID-JAG": "short-lived"). */
  idJagSeconds: number;
  /** A client assertion's `exp` may be at most this far ahead (RFC 7523 §3: "reasonable" lifetime). */
  clientAssertionMaxSeconds: number;
  /** Tolerated clock difference with clients and IdPs. */
  clockSkewSeconds: number;
  /** Token request bodies larger than this are refused before parsing. */
  maxBodyBytes: number;
  /** Signing algorithm of new keys: ES256 (default) or EdDSA. */
  signingAlg: "ES256" | "EdDSA";
  /** How often a process re-reads the key table to notice rotations made by others. */
  keyRingRefreshSeconds: number;
  /**
   * How long a `next` key is published before a rotation may make it sign:
   * other instances re-read the key table every keyRingRefreshSeconds, and
   * verifiers of our JWKS refetch it on an unknown kid only after a cooldown
   * (jose's is 30 s). A key that signs sooner is one they cannot verify yet.
   */
  keyMinPublishSeconds: number;
}

/** A setting that may be 0 (unset or not a number: the fallback). */
function nonNegative(raw: string | undefined, fallback: number): number {
  const v = raw === undefined || raw.trim() === "" ? NaN : Number(raw);
  return Number.isFinite(v) && v >= 0 ? v : fallback;
}

export function tokenServiceSettings(env: NodeJS.ProcessEnv = process.env): TokenServiceSettings {
  const num = (name: string, fallback: number) => {
    const v = Number(env[name]);
    return Number.isFinite(v) && v > 0 ? v : fallback;
  };
  return {
    accessTokenMaxSeconds: num("MANDATE_ACCESS_TOKEN_MAX_SECONDS", 300),
    idJagSeconds: num("MANDATE_ID_JAG_SECONDS", 120),
    clientAssertionMaxSeconds: 300,
    clockSkewSeconds: 30,
    maxBodyBytes: 16 * 1024,
    signingAlg: env.MANDATE_SIGNING_ALG === "EdDSA" ? "EdDSA" : "ES256",
    keyRingRefreshSeconds: num("MANDATE_KEY_RING_REFRESH_SECONDS", 10),
    keyMinPublishSeconds: nonNegative(env.MANDATE_KEY_MIN_PUBLISH_SECONDS, 60),
  };
}

/** RFC 8414 §2: the issuer identifier, also the `aud` clients put in assertions. */
export function issuerFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return (env.MANDATE_ISSUER?.trim() || `http://localhost:${env.PORT ?? 3000}`).replace(/\/+$/, "");
}
