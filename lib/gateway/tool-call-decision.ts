import type { GatewayCaller } from "./caller";
import type { GatewayServer, GatewayTool } from "./directory";

export type ToolCallDecision =
  /** `reason` says which grant allowed it (the audit trail's allow reason). */
  | { allow: true; tool: GatewayTool; reason: string }
  /** `requiredScope` is what a step-up would need; absent when no scope can grant the call (unknown, unapproved or ungranted tool). */
  | { allow: false; tool: GatewayTool | null; toolName: string; reason: string; requiredScope?: string };

/**
 * May this caller call this tool? Only an approved tool that the token grants
 * by name (its RFC 9396 authorization_details: the effective tools at mint),
 * and whose scope the token also holds. A scope is never enough on its own:
 * tools that share it are each granted or not. Unknown, unapproved and
 * ungranted tools are refused the same way, before the upstream is reached.
 */
export function decideToolCall(server: GatewayServer, caller: GatewayCaller, params: unknown): ToolCallDecision {
  const name = params !== null && typeof params === "object" ? (params as { name?: unknown }).name : undefined;
  if (typeof name !== "string" || name === "")
    return { allow: false, tool: null, toolName: "", reason: "invalid_request: tools/call without a tool name" };
  const tool = server.tools.get(name);
  if (!tool)
    return {
      allow: false,
      tool: null,
      toolName: name,
      reason: `unknown_tool: ${name} is not a known tool of this server`,
    };
  if (!tool.approved)
    return { allow: false, tool, toolName: name, reason: `tool_not_approved: ${name} is not approved` };
  const inScope = caller.scopes.has(tool.scope);
  // Out of scope: a token with the scope might carry the tool, so the challenge names it (RFC 6750 §3.1).
  if (!inScope)
    return {
      allow: false,
      tool,
      toolName: name,
      reason: `insufficient_scope: ${name} requires ${tool.scope}`,
      requiredScope: tool.scope,
    };
  // In scope but not granted: no scope would help (the tool is not among the agent's effective tools), so none is named.
  if (!caller.tools.has(name))
    return {
      allow: false,
      tool,
      toolName: name,
      reason: `tool_not_granted: tool ${name} is not granted to this session`,
    };
  return {
    allow: true,
    tool,
    reason: `tool ${name} granted to this session (authorization_details; scope ${tool.scope})`,
  };
}

/** The arguments of a tools/call, when they are an object. */
export function toolArguments(params: unknown): Record<string, unknown> | undefined {
  const args =
    params !== null && typeof params === "object" ? (params as { arguments?: unknown }).arguments : undefined;
  return args !== null && typeof args === "object" && !Array.isArray(args)
    ? (args as Record<string, unknown>)
    : undefined;
}
