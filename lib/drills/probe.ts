import { RPC } from "@/lib/gateway/json-rpc";

/**
 * One probe of an MCP endpoint with the canary token: `tools/list`, the only
 * thing the canary's grant allows. What matters is whether the token was
 * accepted, not what the server listed: a 401 is a refusal; any other answer
 * means the token got past authentication.
 *
 * At Mandate's gateway (`gateway: true`) the probe also names an MCP session
 * that no agent session opened. The gateway checks the token and the
 * revocation state before the session, and answers an unknown session itself
 * (404, session not found) without calling the upstream server: so a 404 from
 * the gateway means "accepted", a 401 means "refused", and the drill sends
 * nothing upstream, changes nothing there, and triggers no tool-definition
 * check (server/gateway-routes.ts).
 */
export type ProbeOutcome =
  | { kind: "accepted"; status: number; instanceId: string | null }
  | { kind: "refused"; status: number; instanceId: string | null; why: string }
  | { kind: "unavailable"; status: number | null; instanceId: string | null; why: string };

let rpcId = 1;

const UNOPENED_SESSION = "mandate-revocation-drill";

/** The gateway's JSON-RPC "session not found" (and not its 404 for an unknown server). */
function unopenedSessionAnswer(body: string): boolean {
  try {
    return (JSON.parse(body) as { error?: { code?: unknown } }).error?.code === RPC.sessionNotFound;
  } catch {
    return false;
  }
}

export async function probeMcp(
  url: string,
  token: string,
  opts: { gateway?: boolean; timeoutMs?: number } = {},
): Promise<ProbeOutcome> {
  let r: Response;
  try {
    r = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-protocol-version": "2025-06-18",
        authorization: `Bearer ${token}`,
        "user-agent": "mandate-revocation-drill",
        ...(opts.gateway ? { "mcp-session-id": UNOPENED_SESSION } : {}),
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: rpcId++, method: "tools/list", params: {} }),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 2000),
      redirect: "manual",
    });
  } catch (e) {
    return {
      kind: "unavailable",
      status: null,
      instanceId: null,
      why: e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e),
    };
  }
  // Only the gateway's own answer is read (it is small); any other body is drained to free the connection.
  const body = opts.gateway ? await r.text().catch(() => "") : (await r.arrayBuffer().catch(() => undefined), "");
  const instanceId = r.headers.get("mandate-instance");
  if (r.status === 401) {
    const challenge = r.headers.get("www-authenticate") ?? "";
    const description = /error_description="([^"]*)"/.exec(challenge)?.[1];
    return { kind: "refused", status: 401, instanceId, why: description ?? "HTTP 401" };
  }
  // A gateway that cannot confirm the session fails closed with 503: not a refusal of this token in particular.
  if (opts.gateway) {
    // Past every check of the token, stopped at the unopened session: accepted.
    if (r.status === 404 && instanceId !== null && unopenedSessionAnswer(body))
      return { kind: "accepted", status: 404, instanceId };
    if (r.status === 404 && instanceId !== null)
      return { kind: "unavailable", status: 404, instanceId, why: "the gateway does not know this server (HTTP 404)" };
    return {
      kind: "unavailable",
      status: r.status,
      instanceId,
      why: instanceId === null ? `HTTP ${r.status} from something that is not a Mandate gateway` : `HTTP ${r.status}`,
    };
  }
  if (r.status === 404) return { kind: "unavailable", status: 404, instanceId, why: "HTTP 404: no MCP endpoint here" };
  if (r.status === 503) return { kind: "unavailable", status: 503, instanceId, why: "HTTP 503 (failing closed)" };
  return { kind: "accepted", status: r.status, instanceId };
}
