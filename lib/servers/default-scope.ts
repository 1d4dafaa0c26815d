/**
 * The scope a newly discovered tool gets: `<server slug>:<tool name>`.
 * Characters a scope-token cannot hold (RFC 6749 §3.3) become `_`, for
 * servers whose tool names stray from MCP's recommended alphabet.
 */
export function defaultScope(serverSlug: string, toolName: string): string {
  return `${serverSlug}:${toolName}`.replace(/[^\x21\x23-\x5b\x5d-\x7e]/g, "_").slice(0, 200);
}
