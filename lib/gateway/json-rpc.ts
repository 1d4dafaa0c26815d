import { foldName, parseStrictJson } from "./strict-json";

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
  /** Unknown (or another caller's) Mcp-Session-Id, HTTP 404: the code the MCP SDK's servers answer with. */
  sessionNotFound: -32001,
  /** MCP 2026-07-28 HeaderMismatch: Mcp-Method / Mcp-Name disagree with the body (HTTP 400). */
  headerMismatch: -32020,
} as const;

export type PostedMessage =
  | { kind: "parse_error"; detail: string }
  | { kind: "batch" }
  | { kind: "invalid"; detail: string }
  /** A request or notification (has `method`), or a response to a server's request (no `method`). */
  | { kind: "message"; id: JsonRpcId | undefined; method: string | null; params: unknown };

/** JSON-RPC 2.0's own member names (§4, §5): only these exact spellings. */
const ENVELOPE = new Set(["jsonrpc", "id", "method", "params", "result", "error"]);
/** The params members an upstream dispatches on (tools/call, prompts/get, resources/read, and `_meta`). */
const DISPATCH_PARAMS = new Set(["name", "arguments", "uri", "_meta"]);

/**
 * What a POST body holds, parsed strictly (strict-json.ts: UTF-8, no BOM, no
 * duplicate member names). Batches are refused outright: the MCP revision of
 * 2025-06-18 removed JSON-RPC batching, and checking every element would make
 * a tools/list or tools/call inside a batch a second, subtler code path.
 *
 * Member names are matched exactly, and a member that differs from
 * JSON-RPC's own (or from the params an upstream dispatches on) only in
 * letter case is refused: a case-insensitive decoder (Go's encoding/json,
 * .NET's with PropertyNameCaseInsensitive) would read `"Method"` as the method
 * the gateway never saw.
 */
export function classifyPosted(body: Buffer): PostedMessage {
  const parsed = parseStrictJson(body);
  if (!parsed.ok) {
    return parsed.problem === "duplicate_member"
      ? { kind: "invalid", detail: parsed.detail }
      : { kind: "parse_error", detail: parsed.detail };
  }
  const value = parsed.value;
  if (Array.isArray(value)) return { kind: "batch" };
  if (value === null || typeof value !== "object") return { kind: "invalid", detail: "not a JSON-RPC 2.0 message" };
  const m = value as Record<string, unknown>;
  const lookalike = caseVariant(m, ENVELOPE);
  if (lookalike)
    return { kind: "invalid", detail: `the member "${lookalike}" differs only in letter case from a JSON-RPC member` };
  if (m.jsonrpc !== "2.0") return { kind: "invalid", detail: "not a JSON-RPC 2.0 message" };
  const id = m.id;
  if (id !== undefined && id !== null && typeof id !== "string" && typeof id !== "number")
    return { kind: "invalid", detail: "id must be a string, a number or null" };
  if (m.method !== undefined && typeof m.method !== "string")
    return { kind: "invalid", detail: "method must be a string" };
  if (m.params !== null && typeof m.params === "object" && !Array.isArray(m.params)) {
    const inParams = caseVariant(m.params as Record<string, unknown>, DISPATCH_PARAMS);
    if (inParams)
      return {
        kind: "invalid",
        detail: `the params member "${inParams}" differs only in letter case from "${foldName(inParams)}"`,
      };
  }
  return {
    kind: "message",
    id: id as JsonRpcId | undefined,
    method: (m.method as string | undefined) ?? null,
    params: m.params,
  };
}

/** A member whose folded name is one of `names` without being spelled exactly so. */
function caseVariant(object: Record<string, unknown>, names: ReadonlySet<string>): string | null {
  for (const key of Object.keys(object)) {
    if (!names.has(key) && names.has(foldName(key))) return key.slice(0, 64);
  }
  return null;
}

export function rpcError(
  id: JsonRpcId | undefined,
  code: number,
  message: string,
): { jsonrpc: "2.0"; id: JsonRpcId; error: { code: number; message: string } } {
  return { jsonrpc: "2.0", id: id ?? null, error: { code, message } };
}
