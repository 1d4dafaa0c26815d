import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { loggedArguments } from "@/lib/gateway/argument-log";
import { isStoreUnavailable, STORE_RETRY_AFTER_SECONDS } from "@/lib/db/store-unavailable";
import type { ToolCallRecord } from "@/lib/gateway/call-audit";
import type { GatewayCaller } from "@/lib/gateway/caller";
import type { GatewayServer } from "@/lib/gateway/directory";
import { filterToolsListMessage } from "@/lib/gateway/filter-tools-list";
import type { Gateway } from "@/lib/gateway/gateway";
import { classifyPosted, rpcError, RPC, type JsonRpcId } from "@/lib/gateway/json-rpc";
import { protectedResourceMetadata, protectedResourceMetadataUrl } from "@/lib/gateway/protected-resource-metadata";
import { decideToolCall, toolArguments } from "@/lib/gateway/tool-call-decision";
import { InvalidRequest } from "@/lib/oauth/errors";
import { bearerChallenge } from "@/lib/gateway/www-authenticate";
import { normalizeOrigin } from "@/lib/gateway/settings";
import {
  clientAddressOf,
  hasContentCoding,
  isJsonUtf8ContentType,
  singleHeader,
  standardHeaderMismatch,
} from "./gateway-request";
import { sendJson, type HttpRoute } from "./http-route";
import { bodyReader } from "./read-body";
import { transformSseBody } from "./sse-transform";
import {
  downstreamHeaders,
  openUpstream,
  readUpstreamBody,
  relayResponse,
  type ForwardContext,
} from "./upstream-proxy";

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
  /** The upstream session named by the client's Mcp-Session-Id, once verified as the caller's own. */
  upstreamSessionId: string | null;
  /** Wraps an upstream session id for this caller (set once the caller is known). */
  bindSession?: (upstreamId: string) => string;
}

/** What a browser client may send and read (CORS), MCP's transport headers included. */
const CORS_ALLOW_HEADERS = [
  "authorization",
  "content-type",
  "mcp-session-id",
  "mcp-protocol-version",
  "last-event-id",
  "mcp-method",
  "mcp-name",
];
const CORS_EXPOSE_HEADERS = "Mcp-Session-Id, WWW-Authenticate";
const CORS_METHODS = "GET, POST, DELETE";

/**
 * The MCP gateway on the lean HTTP layer: `/mcp/<slug>` (Streamable HTTP,
 * relayed to the server's upstream) and its RFC 9728 metadata. Decisions
 * live in lib/gateway; this file moves bytes.
 *
 * Order per request: Origin (DNS rebinding) → database reachable (the
 * revocation state is fresh) → server → bearer token (nothing is read from
 * an unauthenticated caller) → body (UTF-8 JSON only, strictly parsed, exact
 * member names, mirrored headers agree) → revocation state (fail closed) →
 * the caller's own MCP session → method rules → the call's audit event
 * committed → upstream, which receives exactly the bytes decided on.
 */
export function gatewayRoutes(gw: Gateway): HttpRoute[] {
  const metadataUrl = (server: GatewayServer) => protectedResourceMetadataUrl(gw.publicBase, server.slug);

  const refuse = (
    x: Exchange,
    status: number,
    id: JsonRpcId | undefined,
    code: number,
    message: string,
    challenge?: string,
    headers: Record<string, string> = {},
  ) =>
    sendJson(
      x.res,
      status,
      rpcError(id, code, message),
      challenge ? { ...headers, "www-authenticate": challenge } : headers,
    );

  const unauthenticated = (x: Exchange, description?: string) =>
    refuse(
      x,
      401,
      undefined,
      RPC.unauthorized,
      description ?? "authorization required",
      bearerChallenge({
        resourceMetadata: metadataUrl(x.server),
        ...(description ? { error: "invalid_token" as const, description } : {}),
      }),
    );

  type AuditFacts = {
    allowed: boolean;
    upstreamFailed?: boolean;
    toolName: string;
    reason: string;
    upstreamStatus: number | null;
    params: unknown;
  };
  function callRecord(x: Exchange, caller: GatewayCaller, d: AuditFacts): ToolCallRecord {
    return {
      allowed: d.allowed,
      upstreamFailed: d.upstreamFailed,
      server: x.server,
      caller,
      toolName: d.toolName,
      tool: x.server.tools.get(d.toolName) ?? null,
      reason: d.reason,
      latencyMs: Math.round((performance.now() - x.started) * 10) / 10,
      upstreamStatus: d.upstreamStatus,
      loggedArguments: loggedArguments(x.server.argumentLogging, toolArguments(d.params)),
      requestId: (x.req.headers["x-request-id"] as string | undefined)?.slice(0, 128) ?? null,
      clientAddress: clientAddressOf(x.req),
      occurredAt: x.startedAt,
    };
  }

  /** Refusals and upstream failures: queued, never waited for (call-audit.ts). */
  function audit(x: Exchange, caller: GatewayCaller, d: AuditFacts) {
    gw.audit.add(callRecord(x, caller, d));
  }

  const publicBase = () => new URL(gw.publicBase);

  async function upstreamOrFail(x: Exchange, body: Buffer | null, id: JsonRpcId | undefined) {
    const forward: ForwardContext = {
      credential: x.server.credential,
      upstreamSessionId: x.upstreamSessionId,
      clientAddress: clientAddressOf(x.req),
      publicBase: publicBase(),
    };
    try {
      const upstream = await openUpstream(x.server.upstreamUrl, x.req, x.res, body, forward);
      if (upstream.statusCode === 401) {
        // Our configured credential was refused: a gateway misconfiguration, not the caller's problem.
        upstream.resume();
        refuse(x, 502, id, RPC.upstream, "the upstream server refused the gateway's credential");
        return null;
      }
      return upstream;
    } catch {
      // Destroyed: the client left, or a revocation cut the request (open-streams).
      if (!x.res.headersSent && !x.res.destroyed)
        refuse(x, 502, id, RPC.upstream, "the upstream server is unreachable");
      return null;
    }
  }

  async function forwardToolsList(x: Exchange, caller: GatewayCaller, body: Buffer, id: JsonRpcId | undefined) {
    const upstream = await upstreamOrFail(x, body, id);
    if (!upstream) return;
    const status = upstream.statusCode ?? 502;
    const type = String(upstream.headers["content-type"] ?? "").toLowerCase();
    const coding = String(upstream.headers["content-encoding"] ?? "identity").toLowerCase();
    // A list the gateway cannot read must not reach the client unfiltered.
    if (
      status === 200 &&
      (coding !== "identity" || !(type.startsWith("application/json") || type.startsWith("text/event-stream")))
    ) {
      upstream.resume();
      refuse(x, 502, id, RPC.upstream, "the upstream answered tools/list in a form the gateway cannot filter");
      return;
    }
    let raw: Buffer;
    try {
      raw = await readUpstreamBody(upstream, gw.settings.maxListBytes);
    } catch {
      refuse(x, 502, id, RPC.upstream, "the upstream tool list is too large or was cut off");
      return;
    }
    // Approved tools whose listed definition is not the approved one are hidden first (and recorded once).
    const filter = (m: unknown) => filterToolsListMessage(gw.definitions.filterListed(m, x.server), x.server, caller);
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
    x.res.writeHead(status, { ...downstreamHeaders(upstream, x.bindSession), "content-length": String(out.length) });
    x.res.end(out);
  }

  /**
   * MCP Streamable HTTP, Security: "Servers MUST validate the Origin header …
   * If the Origin header is present and invalid, servers MUST respond with
   * HTTP 403 Forbidden." Allowed browser origins get CORS headers on every
   * answer, refusals included (a browser client must read WWW-Authenticate).
   * Returns false when the request was refused.
   */
  function checkOrigin(req: IncomingMessage, res: ServerResponse): boolean {
    const origin = singleHeader(req, "origin");
    if (origin === null) return true;
    const allowed = origin !== "many" ? normalizeOrigin(origin) : null;
    if (allowed === null || !gw.settings.allowedOrigins.has(allowed)) {
      sendJson(res, 403, rpcError(undefined, RPC.forbidden, "this Origin is not allowed to call the gateway"));
      return false;
    }
    res.setHeader("access-control-allow-origin", origin as string);
    res.setHeader("access-control-expose-headers", CORS_EXPOSE_HEADERS);
    res.setHeader("vary", "Origin");
    return true;
  }

  /** CORS preflight (Fetch standard, CORS protocol) for the configured browser origins. */
  function preflight(req: IncomingMessage, res: ServerResponse): void {
    if (singleHeader(req, "origin") === null) {
      res.writeHead(204, { allow: `${CORS_METHODS}, OPTIONS` }).end();
      return;
    }
    if (!checkOrigin(req, res)) return;
    const method = singleHeader(req, "access-control-request-method");
    const asked = (singleHeader(req, "access-control-request-headers") ?? "")
      .toString()
      .split(",")
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean);
    const unknownHeader = asked.find((h) => !CORS_ALLOW_HEADERS.includes(h) && !h.startsWith("mcp-param-"));
    if (typeof method !== "string" || !CORS_METHODS.split(", ").includes(method) || unknownHeader !== undefined) {
      sendJson(
        res,
        403,
        rpcError(
          undefined,
          RPC.forbidden,
          unknownHeader ? `the header ${unknownHeader} is not allowed` : "this method is not allowed",
        ),
      );
      return;
    }
    res.writeHead(204, {
      "access-control-allow-methods": CORS_METHODS,
      "access-control-allow-headers": [...new Set([...CORS_ALLOW_HEADERS, ...asked])].join(", "),
      "access-control-max-age": "600",
    });
    res.end();
  }

  /**
   * The database is not answering: no revocation read has succeeded within the
   * staleness bound, or a read on this request failed for want of the store.
   * Nothing can be decided or recorded, so answer at once (503, Retry-After)
   * rather than wait on the store, and forward nothing.
   */
  const unavailable = (res: ServerResponse, id?: JsonRpcId) =>
    sendJson(res, 503, rpcError(id, RPC.unavailable, "the gateway cannot reach its database; retry shortly"), {
      "retry-after": String(STORE_RETRY_AFTER_SECONDS),
    });

  async function mcp(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    // Which instance answered: a revocation drill probes each one and must know it reached the one it meant.
    res.setHeader("mandate-instance", gw.instanceId);
    if (req.method === "OPTIONS") return preflight(req, res);
    if (!checkOrigin(req, res)) return;
    if (!gw.revocations.isFresh()) return unavailable(res);
    try {
      await mcpRequest(req, res, url);
    } catch (e) {
      if (!isStoreUnavailable(e)) throw e;
      if (res.headersSent) res.destroy();
      else unavailable(res);
    }
  }

  async function mcpRequest(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const started = performance.now();
    const slug = slugOf(url.pathname, MCP_PREFIX);
    const server = slug ? await gw.directory.bySlug(slug) : null;
    if (!server) {
      sendJson(res, 404, { error: "not_found" });
      return;
    }
    const x: Exchange = { req, res, server, started, startedAt: new Date(), upstreamSessionId: null };

    const bearer = bearerOf(req);
    if ("missing" in bearer) return unauthenticated(x);
    if ("garbled" in bearer) return unauthenticated(x, "malformed Authorization header");
    const checked = await gw.tokens.verify(bearer.token, server.resourceUri);
    if (!checked.ok) return unauthenticated(x, checked.reason);
    const caller = checked.caller;
    const owner = { serverId: server.id, sessionId: caller.sessionId };
    x.bindSession = (upstreamId) => gw.mcpSessions.wrap(upstreamId, owner);

    let body: Buffer | null = null;
    let id: JsonRpcId | undefined;
    let method: string | null = null;
    let params: unknown;
    if (req.method === "POST") {
      // Only UTF-8 JSON, sent as is: what the upstream decodes must be what is parsed here.
      if (!isJsonUtf8ContentType(singleHeader(req, "content-type"))) {
        return refuse(
          x,
          415,
          null,
          RPC.invalidRequest,
          "Content-Type must be application/json (UTF-8, no other charset)",
          undefined,
          { accept: "application/json" },
        );
      }
      if (hasContentCoding(req)) {
        return refuse(x, 415, null, RPC.invalidRequest, "request bodies must not be content-coded", undefined, {
          "accept-encoding": "identity",
        });
      }
      try {
        body = await bodyReader(req, gw.settings.maxBodyBytes)();
      } catch (e) {
        if (e instanceof InvalidRequest && e.status === 413)
          return refuse(x, 413, null, RPC.invalidRequest, `request body exceeds ${gw.settings.maxBodyBytes} bytes`);
        res.destroy(); // the client went away mid-body: nobody to answer
        return;
      }
      const posted = classifyPosted(body);
      if (posted.kind === "parse_error") return refuse(x, 400, null, RPC.parseError, `parse error: ${posted.detail}`);
      if (posted.kind === "batch")
        return refuse(
          x,
          400,
          null,
          RPC.invalidRequest,
          "JSON-RPC batches are not supported (removed in MCP 2025-06-18): send one message per request",
        );
      if (posted.kind === "invalid")
        return refuse(x, 400, null, RPC.invalidRequest, `invalid request: ${posted.detail}`);
      ({ id, method, params } = posted);
      const mismatch = standardHeaderMismatch(req, method, params);
      if (mismatch) return refuse(x, 400, id, RPC.headerMismatch, `Header mismatch: ${mismatch}`);
    }

    // Decided before the revocation check only so a refusal for staleness or revocation can name the tool in the audit.
    const decision =
      method === "tools/call"
        ? (gw.definitions.holdDecision(server, params) ?? decideToolCall(server, caller, params))
        : null;
    const calledTool = decision ? (decision.allow ? decision.tool.name : decision.toolName) : "";
    if (!gw.revocations.isFresh()) {
      if (decision)
        audit(x, caller, {
          allowed: false,
          toolName: calledTool,
          reason: "revocation state stale: failing closed",
          upstreamStatus: null,
          params,
        });
      return refuse(
        x,
        503,
        id,
        RPC.unavailable,
        "the gateway cannot confirm the session is still valid; retry shortly",
      );
    }
    const revoked = gw.revocations.revokedReason(caller.sessionId, caller.jti);
    if (revoked) {
      if (decision)
        audit(x, caller, { allowed: false, toolName: calledTool, reason: revoked, upstreamStatus: null, params });
      return unauthenticated(x, revoked);
    }

    // An MCP session belongs to the agent session that opened it: any other caller is told it does not exist.
    const clientSession = singleHeader(req, "mcp-session-id");
    if (clientSession !== null) {
      x.upstreamSessionId = clientSession === "many" ? null : gw.mcpSessions.unwrap(clientSession, owner);
      if (x.upstreamSessionId === null) {
        if (decision)
          audit(x, caller, {
            allowed: false,
            toolName: calledTool,
            reason: "unknown_session: the Mcp-Session-Id is not one this agent session opened",
            upstreamStatus: null,
            params,
          });
        return refuse(x, 404, id, RPC.sessionNotFound, "session not found");
      }
    }

    if (decision && !decision.allow) {
      audit(x, caller, {
        allowed: false,
        toolName: decision.toolName,
        reason: decision.reason,
        upstreamStatus: null,
        params,
      });
      return refuse(
        x,
        403,
        id,
        RPC.forbidden,
        decision.reason,
        bearerChallenge({
          error: "insufficient_scope",
          scope: decision.requiredScope,
          resourceMetadata: metadataUrl(server),
          description: decision.reason,
        }),
      );
    }
    if (decision?.allow && !gw.audit.accepting) {
      // Back-pressure from the audit queue (call-audit.ts): no call runs unrecorded.
      audit(x, caller, {
        allowed: false,
        toolName: decision.tool.name,
        reason: "audit trail backlog full: failing closed",
        upstreamStatus: null,
        params,
      });
      return refuse(
        x,
        503,
        id,
        RPC.unavailable,
        "the gateway cannot record this call right now; retry shortly",
        undefined,
        { "retry-after": "1" },
      );
    }
    // From here the request is forwarded: a revocation that arrives while the
    // upstream works, or while its answer is still streaming, ends it.
    const untrack = gw.streams.add(caller.sessionId, caller.jti, () => res.destroy());
    res.once("close", untrack);
    if (method === "tools/list") return forwardToolsList(x, caller, body ?? Buffer.alloc(0), id);

    if (decision?.allow) {
      // The call's event is committed before the upstream is called (CallAuditWriter.commit): no call runs unrecorded.
      try {
        await gw.audit.commit(
          callRecord(x, caller, {
            allowed: true,
            toolName: decision.tool.name,
            reason: decision.reason,
            upstreamStatus: null,
            params,
          }),
        );
      } catch {
        audit(x, caller, {
          allowed: false,
          toolName: decision.tool.name,
          reason: "audit trail unavailable: failing closed",
          upstreamStatus: null,
          params,
        });
        if (!res.destroyed)
          refuse(
            x,
            503,
            id,
            RPC.unavailable,
            "the gateway cannot record this call right now; retry shortly",
            undefined,
            { "retry-after": "1" },
          );
        return;
      }
      // Revoked (open-streams cut it) or abandoned while its event was being written: recorded, not forwarded.
      if (res.destroyed) return;
    }

    const upstream = await upstreamOrFail(x, body, id);
    const status = upstream?.statusCode ?? null;
    if (decision?.allow && (status === null || status < 200 || status >= 300)) {
      const why =
        status === null
          ? "the upstream is unreachable or refused the gateway's credential"
          : `the upstream answered HTTP ${status}`;
      audit(x, caller, {
        allowed: true,
        upstreamFailed: true,
        toolName: decision.tool.name,
        reason: why,
        upstreamStatus: status,
        params,
      });
    }
    if (upstream && !res.destroyed) relayResponse(upstream, res, x.bindSession);
    else upstream?.destroy();
  }

  async function metadata(_req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const slug = slugOf(url.pathname, PRM_PREFIX);
    const server = slug ? await gw.directory.bySlug(slug) : null;
    if (!server) return sendJson(res, 404, { error: "not_found" });
    sendJson(res, 200, protectedResourceMetadata(server, gw.ctx.issuer), {
      "cache-control": "public, max-age=60",
      "access-control-allow-origin": "*",
    });
  }

  return [
    { path: `${PRM_PREFIX}*`, methods: ["GET", "HEAD"], handle: metadata },
    { path: `${MCP_PREFIX}*`, methods: ["POST", "GET", "DELETE", "OPTIONS"], handle: mcp },
  ];
}
