import { jsonResponse, type OAuthResponse } from "../context";

/**
 * GET /oauth/authorize (RFC 6749 §3.1) for an authorization server that
 * supports no interactive response type: agents obtain tokens only at the
 * token endpoint (client_credentials, token exchange, JWT bearer), so
 * discovery advertises `response_types_supported: []` and this endpoint
 * refuses every request.
 *
 * It never redirects. RFC 6749 §4.1.2.1 / §4.2.2.1 allow an error redirect
 * only to a redirection URI registered for the client, and no Mandate client
 * has one (§3.1.2.2): redirecting to whatever `redirect_uri` a request names
 * would make this an open redirector (§10.15). The error is therefore shown
 * to the user agent directly, with the §5.2 error body: `invalid_request`
 * when `response_type` is missing (§3.1.1: it is REQUIRED), otherwise
 * `unsupported_response_type`.
 *
 * The endpoint exists because RFC 8414 §2 makes `authorization_endpoint`
 * required for most deployments and MCP clients (the TypeScript SDK's
 * metadata schema among them) refuse metadata without it, even when they
 * only ever use client_credentials.
 */
export function authorizationEndpoint(query: URLSearchParams): OAuthResponse {
  const responseType = query.get("response_type");
  if (!responseType) {
    return jsonResponse(400, { error: "invalid_request", error_description: "response_type is required (RFC 6749 §3.1.1)" });
  }
  return jsonResponse(400, {
    error: "unsupported_response_type",
    error_description: "this authorization server supports no response type: agents obtain tokens at the token endpoint",
  });
}
