import type { GatewayCaller } from "./caller";
import type { GatewayServer } from "./directory";

/**
 * A tools/list result reduced to exactly the tools this caller may call (the
 * rule decideToolCall applies): approved, granted by the token's
 * authorization_details, with their scope in the token. Anything that is not
 * a tools/list result (an error, a notification on the same stream) is
 * returned unchanged.
 */
export function filterToolsListMessage(message: unknown, server: GatewayServer, caller: GatewayCaller): unknown {
  if (message === null || typeof message !== "object") return message;
  const result = (message as { result?: unknown }).result;
  if (result === null || typeof result !== "object") return message;
  const tools = (result as { tools?: unknown }).tools;
  if (!Array.isArray(tools)) return message;
  const visible = tools.filter((t: unknown) => {
    const name = t !== null && typeof t === "object" ? (t as { name?: unknown }).name : undefined;
    const known = typeof name === "string" ? server.tools.get(name) : undefined;
    return known !== undefined && known.approved && caller.tools.has(known.name) && caller.scopes.has(known.scope);
  });
  return { ...message, result: { ...result, tools: visible } };
}
