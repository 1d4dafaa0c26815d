import type { IncomingMessage, ServerResponse } from "node:http";
import type { Db } from "@/lib/db/client";
import { isStoreUnavailable, STORE_RETRY_AFTER_SECONDS } from "@/lib/db/store-unavailable";
import { handleScimRequest, type ScimResponse } from "@/lib/directory/scim/handle-scim-request";
import { ScimError, scimErrorBody } from "@/lib/directory/scim/scim-error";
import type { HttpRoute } from "./http-route";
import { bodyReader } from "./read-body";

/** The SCIM endpoint's stable base path. */
export const SCIM_BASE_PATH = "/scim/v2";
/** A SCIM request body: an Okta or Entra user is a few KB; a group PUT with 50k members is a few MB. */
const MAX_SCIM_BODY_BYTES = 8 * 1024 * 1024;

function send(res: ServerResponse, r: ScimResponse): void {
  const payload = r.body === null || r.body === undefined ? "" : JSON.stringify(r.body);
  res.writeHead(r.status, {
    ...(payload ? { "content-type": "application/scim+json; charset=utf-8" } : {}),
    "content-length": String(Buffer.byteLength(payload)),
    "cache-control": "no-store",
    ...r.headers,
  });
  res.end(payload);
}

/**
 * SCIM 2.0 provisioning (Users, Groups and the discovery documents) on plain
 * node:http: a machine endpoint that an IdP's initial load hits tens of
 * thousands of times, so it stays off Next's router like the token service.
 * `issuer()` gives the public origin the resources' locations are built on.
 */
export function scimRoutes(db: Db, issuer: () => string): HttpRoute[] {
  const handle: HttpRoute["handle"] = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    try {
      const response = await handleScimRequest(
        db,
        {
          method: req.method ?? "GET",
          path: url.pathname.slice(SCIM_BASE_PATH.length).replace(/\/+$/, ""),
          query: url.searchParams,
          authorization: req.headers.authorization,
          contentType: req.headers["content-type"],
          readBody: bodyReader(req, MAX_SCIM_BODY_BYTES),
          clientAddress:
            (req.headers["x-forwarded-for"] as string | undefined)?.split(",")[0]?.trim() ||
            req.socket.remoteAddress ||
            null,
          requestId: (req.headers["x-request-id"] as string | undefined)?.slice(0, 128) ?? null,
        },
        { base: `${issuer().replace(/\/+$/, "")}${SCIM_BASE_PATH}` },
      );
      send(res, response);
    } catch (e) {
      const unavailable = isStoreUnavailable(e);
      console.error(
        `mandate: SCIM ${req.method} ${url.pathname} failed${unavailable ? ": database unavailable" : ""}`,
        unavailable && e instanceof Error ? e.message : e,
      );
      if (res.headersSent) res.destroy();
      else if (unavailable)
        send(res, {
          status: 503,
          body: scimErrorBody(
            new ScimError(503, "the service cannot reach its database; nothing was changed, retry shortly"),
          ),
          headers: { "retry-after": String(STORE_RETRY_AFTER_SECONDS) },
        });
      else send(res, { status: 500, body: scimErrorBody(new ScimError(500, "internal error; nothing was changed")) });
    }
  };
  const methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];
  return [
    { path: SCIM_BASE_PATH, methods, handle },
    { path: `${SCIM_BASE_PATH}/*`, methods, handle },
  ];
}
