import type { IncomingMessage, ServerResponse } from "node:http";
import { matchRoute, sendJson, type HttpRoute } from "./http-route";

/**
 * Serves a request from the route list; false when no route matches (the
 * caller hands it on, e.g. to Next). One place for 405s and for unexpected
 * failures, which answer a detail-free 500.
 */
export function dispatchRoute(routes: readonly HttpRoute[], req: IncomingMessage, res: ServerResponse): boolean {
  const url = new URL(req.url ?? "/", "http://internal");
  const route = matchRoute(routes, url.pathname);
  if (!route) return false;
  if (!route.methods.includes(req.method ?? "GET")) {
    sendJson(res, 405, { error: "method_not_allowed" }, { allow: route.methods.join(", ") });
    return true;
  }
  Promise.resolve(route.handle(req, res, url)).catch((err: unknown) => {
    console.error(`mandate: ${url.pathname} failed`, err);
    if (!res.headersSent) sendJson(res, 500, { error: "server_error" });
    else res.destroy();
  });
  return true;
}
