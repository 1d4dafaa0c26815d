/**
 * RFC 6750 §3 challenges, with the RFC 9728 §5.1 `resource_metadata`
 * parameter MCP clients use to discover where to get a token.
 */
const quote = (v: string) => `"${v.replace(/["\\]/g, "\\$&")}"`;

export function bearerChallenge(params: { resourceMetadata: string; error?: "invalid_token" | "insufficient_scope"; description?: string; scope?: string }): string {
  const parts: string[] = [];
  if (params.error) parts.push(`error=${quote(params.error)}`);
  if (params.description) parts.push(`error_description=${quote(params.description)}`);
  if (params.scope) parts.push(`scope=${quote(params.scope)}`);
  parts.push(`resource_metadata=${quote(params.resourceMetadata)}`);
  return `Bearer ${parts.join(", ")}`;
}
