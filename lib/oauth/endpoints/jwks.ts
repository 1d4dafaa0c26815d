import { jsonResponse, type OAuthContext, type OAuthResponse } from "../context";

/**
 * GET /oauth/jwks (RFC 7517 §5): next, active and retiring keys. The short
 * cache lifetime is safe because a key is published as `next` a full rotation
 * before it signs.
 */
export async function jwksEndpoint(ctx: OAuthContext): Promise<OAuthResponse> {
  return jsonResponse(200, await ctx.keys.jwks(), {
    "content-type": "application/jwk-set+json",
    "cache-control": "public, max-age=60",
  });
}
