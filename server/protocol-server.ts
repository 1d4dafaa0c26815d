import { createServer, type Server } from "node:http";
import type { Gateway } from "@/lib/gateway/gateway";
import type { OAuthContext } from "@/lib/oauth/context";
import { applyConnectionLimits, type ConnectionLimits } from "./connection-limits";
import { gatewayRoutes } from "./gateway-routes";
import { livenessRoute, readinessRoute } from "./health";
import { dispatchRoute } from "./route-dispatch";
import { protocolRoutes } from "./protocol-routes";
import { scimRoutes } from "./scim-routes";
import { ssfRoutes } from "./ssf-routes";

/**
 * A node:http server for the protocol routes, SCIM (and the MCP gateway when given) only — for tests and benchmarks,
 * and the shape server/main.ts mounts in front of Next.
 */
export function createProtocolServer(
  ctx: OAuthContext,
  opts: { trustProxy?: boolean; gateway?: Gateway; limits?: ConnectionLimits } = {},
): Server {
  const routes = [
    livenessRoute,
    readinessRoute(ctx.db),
    ...protocolRoutes(ctx),
    ...ssfRoutes(ctx),
    ...(opts.gateway ? gatewayRoutes(opts.gateway) : []),
    ...scimRoutes(ctx.db, () => ctx.issuer),
  ];
  const server = createServer((req, res) => {
    // Only a configured reverse proxy may tell us the client address (audit trail).
    if (!opts.trustProxy) req.headers["x-forwarded-for"] = req.socket.remoteAddress ?? "";
    if (!dispatchRoute(routes, req, res)) {
      res.writeHead(404, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify({ error: "not_found" }));
    }
  });
  applyConnectionLimits(server, opts.limits);
  return server;
}
