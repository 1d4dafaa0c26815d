/**
 * The tools a token may call, as RFC 9396 (Rich Authorization Requests)
 * `authorization_details`: one object per token,
 *
 *   { "type": "urn:mandate:mcp-tools", "locations": ["<resource URI>"], "actions": ["<tool name>", …] }
 *
 * Why this shape: RFC 9396 is the standard way to carry authorization finer
 * than `scope` in a JWT access token (§9.1, a top-level claim filtered to
 * the audience), in introspection (§9.2) and in the token response (§7), and
 * its common fields (§2.2) say exactly what a tool grant is — actions
 * (`actions`: MCP tool names, as `tools/call` names them) at a resource server
 * (`locations`: the RFC 8707 resource URI the token is for). A scope cannot:
 * several tools share one scope, so a scope-only token grants a tool's
 * siblings too. `scope` stays in every token for clients and servers that only
 * read scopes, but Mandate's gateway never decides on it alone.
 *
 * The type is Mandate's own identifier (RFC 9396 §2 recommends a
 * collision-resistant value; it is an identifier, never fetched). An MCP
 * server enforcing natively reads the object whose `type` is this value and
 * whose `locations` contains its own resource URI, and allows exactly the
 * tools in `actions`.
 */
export const MCP_TOOLS_TYPE = "urn:mandate:mcp-tools";

export interface ToolAuthorizationDetail {
  type: typeof MCP_TOOLS_TYPE;
  locations: [string];
  actions: string[];
}

/** The claim for a token on `resource` granting `toolNames` (kept in the order given). */
export function toolAuthorizationDetails(resource: string, toolNames: readonly string[]): [ToolAuthorizationDetail] {
  return [{ type: MCP_TOOLS_TYPE, locations: [resource], actions: [...toolNames] }];
}

/**
 * The tool names `authorization_details` grants at `resource`: the actions of
 * every object of Mandate's type that names this resource in `locations`.
 * Objects of other types, or for other resources, grant nothing here. Null
 * when the claim is absent or not an array (a token minted before tools were
 * carried): the caller fails closed. Strings are compared exactly (§12).
 */
export function grantedToolNames(claim: unknown, resource: string): Set<string> | null {
  if (!Array.isArray(claim)) return null;
  const tools = new Set<string>();
  for (const detail of claim) {
    if (detail === null || typeof detail !== "object") continue;
    const { type, locations, actions } = detail as { type?: unknown; locations?: unknown; actions?: unknown };
    if (
      type !== MCP_TOOLS_TYPE ||
      !Array.isArray(locations) ||
      !locations.includes(resource) ||
      !Array.isArray(actions)
    )
      continue;
    for (const a of actions) if (typeof a === "string") tools.add(a);
  }
  return tools;
}
