import type { IncomingMessage, ServerResponse } from "node:http";
import { isStoreUnavailable, STORE_RETRY_AFTER_SECONDS } from "@/lib/db/store-unavailable";
import { matchRoute, sendJson, type HttpRoute } from "./http-route";

/**
 * Serves a request from the route list; false when no route matches (the
 * caller hands it on, e.g. to Next). One place for 405s and for unexpected
 * failures, which answer a detail-free 500 — or 503 with Retry-After when the
 * database did not answer.
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
    if (isStoreUnavailable(err)) {
      // Nothing was decided: the same request may succeed once the database answers again.
      console.error(
        `mandate: ${url.pathname}: database unavailable (${err instanceof Error ? err.message : String(err)})`,
      );
      if (!res.headersSent)
        sendJson(
          res,
          503,
          {
            error: "temporarily_unavailable",
            error_description: "the service cannot reach its database; retry shortly",
          },
          { "retry-after": String(STORE_RETRY_AFTER_SECONDS) },
        );
      else res.destroy();
      return;
    }
    console.error(`mandate: ${url.pathname} failed`, err);
    if (!res.headersSent) sendJson(res, 500, { error: "server_error" });
    else res.destroy();
  });
  return true;
}
