import { jsonResponse, type OAuthContext, type OAuthResponse } from "../context";
import {
  CLIENT_ASSERTION_ALGS, GRANT_CLIENT_CREDENTIALS, GRANT_JWT_BEARER, GRANT_PROFILE_ID_JAG, GRANT_TOKEN_EXCHANGE, TOKEN_TYPE_ID_JAG,
} from "../defaults";

const AUTH_METHODS = ["private_key_jwt", "client_secret_basic", "client_secret_post"];

/**
 * GET /.well-known/oauth-authorization-server (RFC 8414 §3) and
 * /.well-known/openid-configuration (same document: Mandate issues no ID
 * tokens, but MCP clients probe both). Advertises what the token service
 * really does: an authorization endpoint that supports no response type,
 * three grants, three client authentication methods, the ID-JAG
 * token type for identity chaining (draft-ietf-oauth-identity-chaining §3,
 * ID-JAG §"IdP Metadata") and the ID-JAG grant profile for the jwt-bearer grant.
 */
export function discoveryEndpoint(ctx: OAuthContext): OAuthResponse {
  const { issuer } = ctx;
  return jsonResponse(
    200,
    {
      issuer,
      // RFC 8414 §2: present so generic OAuth/MCP clients accept the document;
      // it supports no response type and refuses every request (authorization.ts).
      authorization_endpoint: `${issuer}/oauth/authorize`,
      token_endpoint: `${issuer}/oauth/token`,
      jwks_uri: `${issuer}/oauth/jwks`,
      introspection_endpoint: `${issuer}/oauth/introspect`,
      revocation_endpoint: `${issuer}/oauth/revoke`,
      // Honest: no interactive flow (agents never redirect a browser here).
      response_types_supported: [],
      grant_types_supported: [GRANT_CLIENT_CREDENTIALS, GRANT_TOKEN_EXCHANGE, GRANT_JWT_BEARER],
      token_endpoint_auth_methods_supported: AUTH_METHODS,
      token_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGS],
      introspection_endpoint_auth_methods_supported: AUTH_METHODS,
      introspection_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGS],
      revocation_endpoint_auth_methods_supported: AUTH_METHODS,
      revocation_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGS],
      identity_chaining_requested_token_types_supported: [TOKEN_TYPE_ID_JAG],
      authorization_grant_profiles_supported: [GRANT_PROFILE_ID_JAG],
    },
    { "cache-control": "public, max-age=300" },
  );
}
