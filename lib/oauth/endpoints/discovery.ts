import { MCP_TOOLS_TYPE } from "../authorization-details";
import { jsonResponse, type OAuthContext, type OAuthResponse } from "../context";
import { registrationPolicy } from "@/lib/interactive/registration-policy";
import {
  CLIENT_ASSERTION_ALGS,
  GRANT_AUTHORIZATION_CODE,
  GRANT_CLIENT_CREDENTIALS,
  GRANT_JWT_BEARER,
  GRANT_PROFILE_ID_JAG,
  GRANT_REFRESH_TOKEN,
  GRANT_TOKEN_EXCHANGE,
  TOKEN_TYPE_ID_JAG,
} from "../defaults";

const AUTH_METHODS = ["private_key_jwt", "client_secret_basic", "client_secret_post"];
/** Public interactive clients name themselves at the token endpoint (and revoke their own tokens). */
const TOKEN_AUTH_METHODS = [...AUTH_METHODS, "none"];

/**
 * GET /.well-known/oauth-authorization-server (RFC 8414 §3) and
 * /.well-known/openid-configuration (same document: Mandate issues no ID
 * tokens, but MCP clients probe both). Advertises exactly what the token
 * service does: the authorization code flow with PKCE S256 only, client ID
 * metadata documents, dynamic registration only while it is switched on, the
 * RFC 9207 `iss` authorization response parameter, five grants, the client
 * authentication methods, the ID-JAG token type for identity chaining
 * (draft-ietf-oauth-identity-chaining §3, ID-JAG §"IdP Metadata") and the
 * ID-JAG grant profile for the jwt-bearer grant.
 */
export async function discoveryEndpoint(ctx: OAuthContext): Promise<OAuthResponse> {
  const { issuer } = ctx;
  const { dynamicRegistration } = await registrationPolicy(ctx.db);
  return jsonResponse(
    200,
    {
      issuer,
      authorization_endpoint: `${issuer}/oauth/authorize`,
      token_endpoint: `${issuer}/oauth/token`,
      jwks_uri: `${issuer}/oauth/jwks`,
      introspection_endpoint: `${issuer}/oauth/introspect`,
      revocation_endpoint: `${issuer}/oauth/revoke`,
      ...(dynamicRegistration ? { registration_endpoint: `${issuer}/oauth/register` } : {}),
      response_types_supported: ["code"],
      response_modes_supported: ["query"],
      code_challenge_methods_supported: ["S256"],
      client_id_metadata_document_supported: true,
      authorization_response_iss_parameter_supported: true,
      grant_types_supported: [
        GRANT_CLIENT_CREDENTIALS,
        GRANT_TOKEN_EXCHANGE,
        GRANT_JWT_BEARER,
        GRANT_AUTHORIZATION_CODE,
        GRANT_REFRESH_TOKEN,
      ],
      token_endpoint_auth_methods_supported: TOKEN_AUTH_METHODS,
      token_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGS],
      introspection_endpoint_auth_methods_supported: AUTH_METHODS,
      introspection_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGS],
      revocation_endpoint_auth_methods_supported: TOKEN_AUTH_METHODS,
      revocation_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGS],
      identity_chaining_requested_token_types_supported: [TOKEN_TYPE_ID_JAG],
      authorization_grant_profiles_supported: [GRANT_PROFILE_ID_JAG],
      // RFC 9396 §10: every token carries the tools it may call as authorization_details of this type.
      authorization_details_types_supported: [MCP_TOOLS_TYPE],
    },
    // Short: switching dynamic registration on or off shows within a minute.
    { "cache-control": "public, max-age=60" },
  );
}
