import type { Server } from "node:http";

export interface ConnectionLimits {
  /** A connection must have sent a request's headers within this long of opening (slowloris, silent sockets). */
  headersMs: number;
  /** …and the whole request, body included, within this long. */
  requestMs: number;
  /**
   * An idle keep-alive connection is closed after this long. Longer than the idle timeout of the load balancers
   * and clients that pool connections (60 s on common ones), so a reused socket is never one closing under them.
   */
  keepAliveMs: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  headersMs: 20_000,
  requestMs: 60_000,
  keepAliveMs: 65_000,
};

/**
 * Bounds on what a connection may hold without doing anything. Node enforces
 * headersTimeout only once a request has begun, and only as often as its
 * connections check runs; a connection that never sends a byte is never
 * closed. So each connection also gets an idle timer until its first request;
 * while a request is in flight no idle timer runs (a tool call may stream its
 * answer for minutes), and between requests keepAliveTimeout applies.
 */
export function applyConnectionLimits(server: Server, limits: ConnectionLimits = DEFAULT_CONNECTION_LIMITS): void {
  server.headersTimeout = limits.headersMs;
  server.requestTimeout = limits.requestMs;
  server.keepAliveTimeout = limits.keepAliveMs;
  // With no 'timeout' listener on the server, Node destroys a socket whose timer fires.
  server.on("connection", (socket) => socket.setTimeout(limits.headersMs));
  server.prependListener("request", (req) => req.socket.setTimeout(0));
}
