import { authorizationCodeGrant } from "./authorization-code";
import { clientCredentialsGrant } from "./client-credentials";
import type { Grant } from "./grant";
import { jwtBearerGrant } from "./jwt-bearer";
import { refreshTokenGrant } from "./refresh-token";
import { tokenExchangeGrant } from "./token-exchange";

/**
 * Every grant the token endpoint serves. Agents re-mint short-lived tokens;
 * only interactive clients (a person in a browser) get refresh tokens.
 */
export const GRANTS: ReadonlyMap<string, Grant> = new Map(
  [clientCredentialsGrant, tokenExchangeGrant, jwtBearerGrant, authorizationCodeGrant, refreshTokenGrant].map((g) => [
    g.type,
    g,
  ]),
);

/** Grants a public client (auth method none) may use: the interactive ones, bound by PKCE and rotation. */
export const PUBLIC_CLIENT_GRANTS: ReadonlySet<string> = new Set([authorizationCodeGrant.type, refreshTokenGrant.type]);
