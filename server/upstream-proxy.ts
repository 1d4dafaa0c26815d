import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

/** RFC 9110 §7.6.1 hop-by-hop fields, which a proxy must not forward. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade"]);

/**
 * Never forwarded upstream: the client's credentials (no token passthrough:
 * the upstream gets the server's own credential), Mandate's console cookie,
 * forwarding hints about our own network, and accept-encoding (tools/list
 * answers are read and filtered here, so they must come uncompressed).
 */
const NOT_UPSTREAM = new Set(["host", "authorization", "cookie", "content-length", "accept-encoding", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "forwarded"]);

/** Never relayed back: the upstream's own auth challenges would send the client to the wrong authorization server. */
const NOT_DOWNSTREAM = new Set(["www-authenticate", "set-cookie", "content-length"]);

const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 512 });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 512 });

function connectionListed(headers: IncomingHttpHeaders): Set<string> {
  const c = headers.connection;
  return new Set((Array.isArray(c) ? c.join(",") : (c ?? "")).split(",").map((s) => s.trim().toLowerCase()).filter(Boolean));
}

function upstreamRequestHeaders(req: IncomingMessage, credential: string | null, body: Buffer | null): OutgoingHttpHeaders {
  const listed = connectionListed(req.headers);
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || NOT_UPSTREAM.has(name) || listed.has(name)) continue;
    out[name] = value;
  }
  if (credential) out.authorization = `Bearer ${credential}`;
  if (body) out["content-length"] = String(body.length);
  return out;
}

/** The upstream's response headers, minus hop-by-hop fields and those listed above. */
export function downstreamHeaders(upstream: IncomingMessage): OutgoingHttpHeaders {
  const listed = connectionListed(upstream.headers);
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(upstream.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || NOT_DOWNSTREAM.has(name) || listed.has(name)) continue;
    out[name] = value;
  }
  return out;
}

/**
 * Sends the client's request (method, filtered headers, the already-read
 * body) to the upstream and resolves with its response as a stream. When
 * the client goes away first, the upstream request is torn down too, so a
 * long SSE stream does not outlive its reader.
 */
export function openUpstream(target: { url: URL; credential: string | null }, req: IncomingMessage, res: ServerResponse, body: Buffer | null): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const https = target.url.protocol === "https:";
    const upstreamReq = (https ? httpsRequest : httpRequest)(target.url, {
      method: req.method,
      headers: upstreamRequestHeaders(req, target.credential, body),
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
export function relayResponse(upstream: IncomingMessage, res: ServerResponse): void {
  const headers = downstreamHeaders(upstream);
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
