/** JSON-RPC 2.0 as the gateway needs it: classify a posted body, and build error responses. */

export type JsonRpcId = string | number | null;

/** JSON-RPC 2.0 §5.1 codes, and server-defined ones (-32000…-32099) for the gateway's refusals. */
export const RPC = {
  parseError: -32700,
  invalidRequest: -32600,
  /** The caller is not authenticated (HTTP 401). */
  unauthorized: -32001,
  /** The caller may not do this (HTTP 403). */
  forbidden: -32003,
  /** The gateway cannot decide safely right now (HTTP 503). */
  unavailable: -32004,
  /** The upstream server failed (HTTP 502). */
  upstream: -32005,
} as const;

export type PostedMessage =
  | { kind: "parse_error" }
  | { kind: "batch" }
  | { kind: "invalid" }
  /** A request or notification (has `method`), or a response to a server's request (no `method`). */
  | { kind: "message"; id: JsonRpcId | undefined; method: string | null; params: unknown };

/**
 * What a POST body holds. Batches are refused outright: the MCP revision of
 * 2025-06-18 removed JSON-RPC batching, and checking every element would make
 * a tools/list or tools/call inside a batch a second, subtler code path.
 */
export function classifyPosted(body: Buffer): PostedMessage {
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch {
    return { kind: "parse_error" };
  }
  if (Array.isArray(value)) return { kind: "batch" };
  if (value === null || typeof value !== "object") return { kind: "invalid" };
  const m = value as Record<string, unknown>;
  if (m.jsonrpc !== "2.0") return { kind: "invalid" };
  const id = m.id;
  if (id !== undefined && id !== null && typeof id !== "string" && typeof id !== "number") return { kind: "invalid" };
  if (m.method !== undefined && typeof m.method !== "string") return { kind: "invalid" };
  return { kind: "message", id: id as JsonRpcId | undefined, method: (m.method as string | undefined) ?? null, params: m.params };
}

export function rpcError(id: JsonRpcId | undefined, code: number, message: string): { jsonrpc: "2.0"; id: JsonRpcId; error: { code: number; message: string } } {
  return { jsonrpc: "2.0", id: id ?? null, error: { code, message } };
}
