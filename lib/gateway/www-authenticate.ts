/**
 * RFC 6750 §3 challenges, with the RFC 9728 §5.1 `resource_metadata`
 * parameter MCP clients use to discover where to get a token.
 */
// RFC 6750 §3 allows only printable ASCII in these values, and Node refuses to send a header with a control or
// non-Latin-1 character (a tool name can hold either): anything else is percent-encoded, so the challenge still names it.
// (Buffer, not encodeURIComponent: that throws on a lone surrogate.)
const percent = (c: string) =>
  Array.from(Buffer.from(c, "utf8"), (b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join("");
const printable = (v: string) => v.replace(/[^\x20-\x7e]/gu, percent);
const quote = (v: string) => `"${printable(v).replace(/["\\]/g, "\\$&")}"`;

export function bearerChallenge(params: {
  resourceMetadata: string;
  error?: "invalid_token" | "insufficient_scope";
  description?: string;
  scope?: string;
}): string {
  const parts: string[] = [];
  if (params.error) parts.push(`error=${quote(params.error)}`);
  if (params.description) parts.push(`error_description=${quote(params.description)}`);
  if (params.scope) parts.push(`scope=${quote(params.scope)}`);
  parts.push(`resource_metadata=${quote(params.resourceMetadata)}`);
  return `Bearer ${parts.join(", ")}`;
}
