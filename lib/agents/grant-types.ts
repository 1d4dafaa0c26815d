import type { AgentKind } from "@/lib/db/generated/sqlite/enums";

export const CLIENT_CREDENTIALS = "client_credentials";
export const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
export const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";

export const AUTHORIZATION_CODE = "authorization_code";
export const REFRESH_TOKEN = "refresh_token";

export const GRANT_TYPES = [CLIENT_CREDENTIALS, TOKEN_EXCHANGE, JWT_BEARER, AUTHORIZATION_CODE, REFRESH_TOKEN] as const;
export type GrantType = (typeof GRANT_TYPES)[number];

/**
 * Which grants each kind of agent may use. An autonomous agent acts as itself
 * (client_credentials); a delegated agent acts for a person, so it must go
 * through token exchange (ID-JAG) and the JWT-bearer grant — never
 * client_credentials, which would let it act without a person behind it.
 */
export const GRANT_TYPES_BY_KIND: Record<AgentKind, readonly GrantType[]> = {
  autonomous: [CLIENT_CREDENTIALS],
  delegated: [TOKEN_EXCHANGE, JWT_BEARER],
  // A person in a browser (PKCE) signs in; registered by their metadata document or RFC 7591, never by a form.
  interactive: [AUTHORIZATION_CODE, REFRESH_TOKEN],
};

export const GRANT_TYPE_LABELS: Record<GrantType, string> = {
  [CLIENT_CREDENTIALS]: "Client credentials",
  [TOKEN_EXCHANGE]: "Token exchange (RFC 8693)",
  [JWT_BEARER]: "JWT bearer (RFC 7523)",
  [AUTHORIZATION_CODE]: "Authorization code + PKCE",
  [REFRESH_TOKEN]: "Refresh token (rotated)",
};

/** The grant types a kind may not use among those asked for (empty: the combination is valid). */
export function disallowedGrantTypes(kind: AgentKind, grantTypes: readonly string[]): string[] {
  const allowed: readonly string[] = GRANT_TYPES_BY_KIND[kind];
  return grantTypes.filter((g) => !allowed.includes(g));
}

/** Stored as a space-separated list (OAuth syntax; no scalar lists on SQLite). */
export const parseGrantTypes = (stored: string): string[] => stored.split(" ").filter(Boolean);
