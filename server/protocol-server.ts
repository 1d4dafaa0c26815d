import { createServer, type Server } from "node:http";
import type { OAuthContext } from "@/lib/oauth/context";
import { dispatchRoute } from "./route-dispatch";
import { protocolRoutes } from "./protocol-routes";

/**
 * A node:http server for the protocol routes only — for tests and benchmarks,
 * and the shape server/main.ts mounts in front of Next.
 */
export function createProtocolServer(ctx: OAuthContext, opts: { trustProxy?: boolean } = {}): Server {
  const routes = protocolRoutes(ctx);
  const server = createServer((req, res) => {
    // Only a configured reverse proxy may tell us the client address (audit trail).
    if (!opts.trustProxy) req.headers["x-forwarded-for"] = req.socket.remoteAddress ?? "";
    if (!dispatchRoute(routes, req, res)) {
      res.writeHead(404, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify({ error: "not_found" }));
    }
  });
  server.keepAliveTimeout = 65_000;
  return server;
}
