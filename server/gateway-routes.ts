import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { loggedArguments } from "@/lib/gateway/argument-log";
import type { GatewayCaller } from "@/lib/gateway/caller";
import type { GatewayServer } from "@/lib/gateway/directory";
import { filterToolsListMessage } from "@/lib/gateway/filter-tools-list";
import type { Gateway } from "@/lib/gateway/gateway";
import { classifyPosted, rpcError, RPC, type JsonRpcId } from "@/lib/gateway/json-rpc";
import { protectedResourceMetadata, protectedResourceMetadataUrl } from "@/lib/gateway/protected-resource-metadata";
import { decideToolCall, toolArguments } from "@/lib/gateway/tool-call-decision";
import { InvalidRequest } from "@/lib/oauth/errors";
import { bearerChallenge } from "@/lib/gateway/www-authenticate";
import { sendJson, type HttpRoute } from "./http-route";
import { bodyReader } from "./read-body";
import { transformSseBody } from "./sse-transform";
import { downstreamHeaders, openUpstream, readUpstreamBody, relayResponse } from "./upstream-proxy";

const PRM_PREFIX = "/.well-known/oauth-protected-resource/mcp/";
const MCP_PREFIX = "/mcp/";

/** A slug is one path segment; anything else is not a gateway endpoint. */
function slugOf(pathname: string, prefix: string): string | null {
  const slug = pathname.slice(prefix.length);
  if (!slug || slug.includes("/")) return null;
  try {
    return decodeURIComponent(slug);
  } catch {
    return null; // malformed percent-encoding: no such server
  }
}

function bearerOf(req: IncomingMessage): { token: string } | { missing: true } | { garbled: true } {
  const h = req.headers.authorization;
  if (!h) return { missing: true };
  const m = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i.exec(h.trim());
  return m?.[1] ? { token: m[1] } : { garbled: true };
}

/** Per request: who asks, where from, and since when (for the audit's latency). */
interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  server: GatewayServer;
  started: number;
  startedAt: Date;
}

/**
 * The MCP gateway on the lean HTTP layer: `/mcp/<slug>` (Streamable HTTP,
 * relayed to the server's upstream) and its RFC 9728 metadata. Decisions
 * live in lib/gateway; this file moves bytes.
 *
 * Order per request: server → bearer token (nothing is read from an
 * unauthenticated caller) → body (size, JSON-RPC shape) → revocation state
 * (fail closed) → method rules → upstream.
 */
export function gatewayRoutes(gw: Gateway): HttpRoute[] {
  const metadataUrl = (server: GatewayServer) => protectedResourceMetadataUrl(gw.publicBase, server.slug);

  const refuse = (x: Exchange, status: number, id: JsonRpcId | undefined, code: number, message: string, challenge?: string, headers: Record<string, string> = {}) =>
    sendJson(x.res, status, rpcError(id, code, message), challenge ? { ...headers, "www-authenticate": challenge } : headers);

  const unauthenticated = (x: Exchange, description?: string) =>
    refuse(x, 401, undefined, RPC.unauthorized, description ?? "authorization required",
      bearerChallenge({ resourceMetadata: metadataUrl(x.server), ...(description ? { error: "invalid_token" as const, description } : {}) }));

  function audit(x: Exchange, caller: GatewayCaller, d: { allowed: boolean; toolName: string; reason: string; upstreamStatus: number | null; params: unknown }) {
    const tool = x.server.tools.get(d.toolName) ?? null;
    gw.audit.add({
      allowed: d.allowed, server: x.server, caller, toolName: d.toolName, tool, reason: d.reason,
      latencyMs: Math.round((performance.now() - x.started) * 10) / 10, upstreamStatus: d.upstreamStatus,
      loggedArguments: loggedArguments(x.server.argumentLogging, toolArguments(d.params)),
      requestId: (x.req.headers["x-request-id"] as string | undefined)?.slice(0, 128) ?? null,
      clientAddress: (x.req.headers["x-forwarded-for"] as string | undefined)?.split(",")[0]?.trim() || x.req.socket.remoteAddress || null,
      occurredAt: x.startedAt,
    });
  }

  async function upstreamOrFail(x: Exchange, body: Buffer | null, id: JsonRpcId | undefined) {
    try {
      const upstream = await openUpstream({ url: x.server.upstreamUrl, credential: x.server.credential }, x.req, x.res, body);
      if (upstream.statusCode === 401) {
        // Our configured credential was refused: a gateway misconfiguration, not the caller's problem.
        upstream.resume();
        refuse(x, 502, id, RPC.upstream, "the upstream server refused the gateway's credential");
        return null;
      }
      return upstream;
    } catch {
      // Destroyed: the client left, or a revocation cut the request (open-streams).
      if (!x.res.headersSent && !x.res.destroyed) refuse(x, 502, id, RPC.upstream, "the upstream server is unreachable");
      return null;
    }
  }

  async function forwardToolsList(x: Exchange, caller: GatewayCaller, body: Buffer, id: JsonRpcId | undefined) {
    const upstream = await upstreamOrFail(x, body, id);
    if (!upstream) return;
    const status = upstream.statusCode ?? 502;
    const type = String(upstream.headers["content-type"] ?? "");
    let raw: Buffer;
    try {
      raw = await readUpstreamBody(upstream, gw.settings.maxListBytes);
    } catch {
      refuse(x, 502, id, RPC.upstream, "the upstream tool list is too large or was cut off");
      return;
    }
    const filter = (m: unknown) => filterToolsListMessage(m, x.server, caller);
    let out: Buffer = raw;
    if (status === 200 && type.startsWith("application/json")) {
      try {
        out = Buffer.from(JSON.stringify(filter(JSON.parse(raw.toString("utf8")))));
      } catch {
        refuse(x, 502, id, RPC.upstream, "the upstream answered with invalid JSON");
        return;
      }
    } else if (status === 200 && type.startsWith("text/event-stream")) {
      out = Buffer.from(transformSseBody(raw.toString("utf8"), filter));
    }
    x.res.writeHead(status, { ...downstreamHeaders(upstream), "content-length": String(out.length) });
    x.res.end(out);
  }

  async function mcp(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const started = performance.now();
    const slug = slugOf(url.pathname, MCP_PREFIX);
    const server = slug ? await gw.directory.bySlug(slug) : null;
    if (!server) {
      sendJson(res, 404, { error: "not_found" });
      return;
    }
    const x: Exchange = { req, res, server, started, startedAt: new Date() };

    const bearer = bearerOf(req);
    if ("missing" in bearer) return unauthenticated(x);
    if ("garbled" in bearer) return unauthenticated(x, "malformed Authorization header");
    const checked = await gw.tokens.verify(bearer.token, server.resourceUri);
    if (!checked.ok) return unauthenticated(x, checked.reason);
    const caller = checked.caller;

    let body: Buffer | null = null;
    let id: JsonRpcId | undefined;
    let method: string | null = null;
    let params: unknown;
    if (req.method === "POST") {
      try {
        body = await bodyReader(req, gw.settings.maxBodyBytes)();
      } catch (e) {
        if (e instanceof InvalidRequest && e.status === 413) return refuse(x, 413, null, RPC.invalidRequest, `request body exceeds ${gw.settings.maxBodyBytes} bytes`);
        res.destroy(); // the client went away mid-body: nobody to answer
        return;
      }
      const posted = classifyPosted(body);
      if (posted.kind === "parse_error") return refuse(x, 400, null, RPC.parseError, "parse error: the body is not JSON");
      if (posted.kind === "batch") return refuse(x, 400, null, RPC.invalidRequest, "JSON-RPC batches are not supported (removed in MCP 2025-06-18): send one message per request");
      if (posted.kind === "invalid") return refuse(x, 400, null, RPC.invalidRequest, "invalid request: not a JSON-RPC 2.0 message");
      ({ id, method, params } = posted);
    }

    // Decided before the revocation check only so a refusal for staleness or revocation can name the tool in the audit.
    const decision = method === "tools/call" ? decideToolCall(server, caller, params) : null;
    const calledTool = decision ? (decision.allow ? decision.tool.name : decision.toolName) : "";
    if (!gw.revocations.isFresh()) {
      if (decision) audit(x, caller, { allowed: false, toolName: calledTool, reason: "revocation state stale: failing closed", upstreamStatus: null, params });
      return refuse(x, 503, id, RPC.unavailable, "the gateway cannot confirm the session is still valid; retry shortly");
    }
    const revoked = gw.revocations.revokedReason(caller.sessionId, caller.jti);
    if (revoked) {
      if (decision) audit(x, caller, { allowed: false, toolName: calledTool, reason: revoked, upstreamStatus: null, params });
      return unauthenticated(x, revoked);
    }

    if (decision && !decision.allow) {
      audit(x, caller, { allowed: false, toolName: decision.toolName, reason: decision.reason, upstreamStatus: null, params });
      return refuse(x, 403, id, RPC.forbidden, decision.reason,
        bearerChallenge({ error: "insufficient_scope", scope: decision.requiredScope, resourceMetadata: metadataUrl(server), description: decision.reason }));
    }
    if (decision?.allow && !gw.audit.accepting) {
      // Back-pressure from the audit queue (call-audit.ts): no call runs unrecorded.
      audit(x, caller, { allowed: false, toolName: decision.tool.name, reason: "audit trail backlog full: failing closed", upstreamStatus: null, params });
      return refuse(x, 503, id, RPC.unavailable, "the gateway cannot record this call right now; retry shortly", undefined, { "retry-after": "1" });
    }
    // From here the request is forwarded: a revocation that arrives while the
    // upstream works, or while its answer is still streaming, ends it.
    const untrack = gw.streams.add(caller.sessionId, caller.jti, () => res.destroy());
    res.once("close", untrack);
    if (method === "tools/list") return forwardToolsList(x, caller, body ?? Buffer.alloc(0), id);

    const upstream = await upstreamOrFail(x, body, id);
    if (decision?.allow) {
      // Recorded once the upstream has answered (its status is part of the
      // event) and written after the response has started (CallAuditWriter).
      const scope = decision.tool.scope;
      audit(x, caller, {
        allowed: true, toolName: decision.tool.name, reason: upstream ? `scope ${scope} granted` : `scope ${scope} granted; upstream unreachable or refused the gateway`,
        upstreamStatus: upstream?.statusCode ?? null, params,
      });
    }
    if (upstream && !res.destroyed) relayResponse(upstream, res);
    else upstream?.destroy();
  }

  async function metadata(_req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const slug = slugOf(url.pathname, PRM_PREFIX);
    const server = slug ? await gw.directory.bySlug(slug) : null;
    if (!server) return sendJson(res, 404, { error: "not_found" });
    sendJson(res, 200, protectedResourceMetadata(server, gw.ctx.issuer), { "cache-control": "public, max-age=60", "access-control-allow-origin": "*" });
  }

  return [
    { path: `${PRM_PREFIX}*`, methods: ["GET", "HEAD"], handle: metadata },
    { path: `${MCP_PREFIX}*`, methods: ["POST", "GET", "DELETE"], handle: mcp },
  ];
}
