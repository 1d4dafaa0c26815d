import {
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

/** RFC 9110 §7.6.1 hop-by-hop fields, which a proxy must not forward. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/**
 * The only client headers the upstream sees, besides those the gateway sets
 * itself: MCP's own (session, protocol version, the 2026-07-28 mirrors —
 * Mcp-Method and Mcp-Name checked against the body, Mcp-Param-* which the
 * upstream checks against the very bytes it receives — and SSE resumption)
 * and tracing. An allow-list, not a deny-list: no header the gateway did not
 * think about (a charset in Accept-Charset, X-Original-URL, X-Remote-User,
 * True-Client-IP, a content coding…) can make the upstream read the message,
 * its sender or its path differently from what the gateway decided on.
 */
const FORWARDED = new Set([
  "mcp-protocol-version",
  "mcp-method",
  "mcp-name",
  "last-event-id",
  "user-agent",
  "x-request-id",
  "traceparent",
  "tracestate",
  "baggage",
]);

/** Never relayed back: the upstream's own auth challenges would send the client to the wrong authorization server. */
const NOT_DOWNSTREAM = new Set(["www-authenticate", "set-cookie", "content-length"]);

const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 512 });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 512 });

function connectionListed(headers: IncomingHttpHeaders): Set<string> {
  const c = headers.connection;
  return new Set(
    (Array.isArray(c) ? c.join(",") : (c ?? ""))
      .split(",")
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
}

/** What the gateway itself tells the upstream about the request it forwards. */
export interface ForwardContext {
  /** The server's own credential, sent as `Authorization: Bearer …`. */
  credential: string | null;
  /** The upstream's session id, unwrapped from the client's (lib/gateway/mcp-session-binding.ts). */
  upstreamSessionId: string | null;
  /** The caller's address as the gateway audits it (X-Forwarded-For). */
  clientAddress: string | null;
  /** Mandate's public origin, as configured (X-Forwarded-Proto / X-Forwarded-Host). */
  publicBase: URL;
}

export function upstreamRequestHeaders(
  req: IncomingMessage,
  body: Buffer | null,
  ctx: ForwardContext,
): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && (FORWARDED.has(name) || name.startsWith("mcp-param-"))) out[name] = value;
  }
  // MCP Streamable HTTP: a POST accepts both answers, the GET stream only SSE.
  out.accept = req.method === "GET" ? "text/event-stream" : "application/json, text/event-stream";
  if (body) {
    // Exactly the bytes the gateway parsed, declared as what they were parsed as.
    out["content-type"] = "application/json";
    out["content-length"] = String(body.length);
  }
  if (ctx.upstreamSessionId) out["mcp-session-id"] = ctx.upstreamSessionId;
  if (ctx.credential) out.authorization = `Bearer ${ctx.credential}`;
  if (ctx.clientAddress) out["x-forwarded-for"] = ctx.clientAddress;
  out["x-forwarded-proto"] = ctx.publicBase.protocol.slice(0, -1);
  out["x-forwarded-host"] = ctx.publicBase.host;
  return out;
}

/** The upstream's response headers, minus hop-by-hop fields and those listed above. */
export function downstreamHeaders(
  upstream: IncomingMessage,
  sessionId?: (upstreamId: string) => string,
): OutgoingHttpHeaders {
  const listed = connectionListed(upstream.headers);
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(upstream.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || NOT_DOWNSTREAM.has(name) || listed.has(name)) continue;
    out[name] = value;
  }
  // The client only ever holds session ids bound to its own agent session.
  const upstreamSession = upstream.headers["mcp-session-id"];
  if (typeof upstreamSession === "string" && sessionId) out["mcp-session-id"] = sessionId(upstreamSession);
  else delete out["mcp-session-id"];
  return out;
}

/**
 * Sends the client's request (method, allowed headers, the already-read and
 * validated body) to the upstream and resolves with its response as a stream. When
 * the client goes away first, the upstream request is torn down too, so a
 * long SSE stream does not outlive its reader.
 */
export function openUpstream(
  url: URL,
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer | null,
  ctx: ForwardContext,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const https = url.protocol === "https:";
    const upstreamReq = (https ? httpsRequest : httpRequest)(url, {
      method: req.method,
      headers: upstreamRequestHeaders(req, body, ctx),
      agent: https ? httpsAgent : httpAgent,
    });
    res.once("close", () => {
      if (!res.writableFinished) upstreamReq.destroy();
    });
    upstreamReq.once("response", resolve);
    upstreamReq.once("error", reject);
    upstreamReq.end(body ?? undefined);
  });
}

/**
 * Pipes the upstream response to the client chunk by chunk, unchanged (SSE
 * events reach the client as they are sent). A body of declared length keeps
 * its Content-Length (no chunked re-framing), and its headers leave with the
 * first bytes in one write; a stream's headers are sent at once, so the
 * client knows the stream is open before its first event.
 */
export function relayResponse(
  upstream: IncomingMessage,
  res: ServerResponse,
  sessionId?: (upstreamId: string) => string,
): void {
  const headers = downstreamHeaders(upstream, sessionId);
  const length = upstream.headers["content-length"];
  if (length !== undefined && upstream.headers["transfer-encoding"] === undefined) headers["content-length"] = length;
  res.writeHead(upstream.statusCode ?? 502, headers);
  if (length === undefined) res.flushHeaders();
  upstream.pipe(res);
  upstream.once("error", () => res.destroy());
}

/** Reads a whole upstream response, failing beyond `limit` bytes. */
export async function readUpstreamBody(upstream: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of upstream) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      upstream.destroy();
      throw new Error(`upstream answer exceeds ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
