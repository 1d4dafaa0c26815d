import type { GatewayCaller } from "./caller";
import type { GatewayServer, GatewayTool } from "./directory";

export type ToolCallDecision =
  | { allow: true; tool: GatewayTool }
  /** `requiredScope` is what a step-up would need; absent when no scope can grant the call (unknown or unapproved tool). */
  | { allow: false; tool: GatewayTool | null; toolName: string; reason: string; requiredScope?: string };

/**
 * May this caller call this tool? Only approved tools, and only with the
 * tool's scope in the token. Unknown and unapproved tools are refused the
 * same way as out-of-scope ones, before the upstream is reached.
 */
export function decideToolCall(server: GatewayServer, caller: GatewayCaller, params: unknown): ToolCallDecision {
  const name = params !== null && typeof params === "object" ? (params as { name?: unknown }).name : undefined;
  if (typeof name !== "string" || name === "") return { allow: false, tool: null, toolName: "", reason: "invalid_request: tools/call without a tool name" };
  const tool = server.tools.get(name);
  if (!tool) return { allow: false, tool: null, toolName: name, reason: `unknown_tool: ${name} is not a known tool of this server` };
  if (!tool.approved) return { allow: false, tool, toolName: name, reason: `tool_not_approved: ${name} is not approved` };
  if (!caller.scopes.has(tool.scope)) return { allow: false, tool, toolName: name, reason: `insufficient_scope: ${name} requires ${tool.scope}`, requiredScope: tool.scope };
  return { allow: true, tool };
}

/** The arguments of a tools/call, when they are an object. */
export function toolArguments(params: unknown): Record<string, unknown> | undefined {
  const args = params !== null && typeof params === "object" ? (params as { arguments?: unknown }).arguments : undefined;
  return args !== null && typeof args === "object" && !Array.isArray(args) ? (args as Record<string, unknown>) : undefined;
}
