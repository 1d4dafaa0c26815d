import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * A protocol endpoint served by the lean HTTP layer, outside Next's router
 * (a route handler there costs many times the CPU of the work these paths do;
 * README "How it is built"). The console and these endpoints share the domain in lib/.
 */
export interface HttpRoute {
  /** Exact path, or a prefix ending in "/*". */
  path: string;
  methods: readonly string[];
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> | void;
}

export function matchRoute(routes: readonly HttpRoute[], pathname: string): HttpRoute | undefined {
  return routes.find((r) => (r.path.endsWith("/*") ? pathname.startsWith(r.path.slice(0, -1)) : r.path === pathname));
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  // Answered before the request body was read (413, early refusals): Node
  // closes such a connection, so say so — a client that pooled it would
  // otherwise send its next request into a closing socket.
  const unread = res.req !== undefined && !res.req.complete;
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(payload),
    "cache-control": "no-store",
    ...(unread ? { connection: "close" } : {}),
    ...headers,
  });
  res.end(payload);
}
