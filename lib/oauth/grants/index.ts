import { clientCredentialsGrant } from "./client-credentials";
import type { Grant } from "./grant";
import { jwtBearerGrant } from "./jwt-bearer";
import { tokenExchangeGrant } from "./token-exchange";

/** Every grant the token endpoint serves. No refresh_token: agents re-mint short-lived tokens instead. */
export const GRANTS: ReadonlyMap<string, Grant> = new Map([clientCredentialsGrant, tokenExchangeGrant, jwtBearerGrant].map((g) => [g.type, g]));
