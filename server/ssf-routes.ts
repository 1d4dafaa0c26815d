import type { OAuthContext } from "@/lib/oauth/context";
import { ssfConfiguration } from "@/lib/security-events/ssf-configuration";
import { sendJson, type HttpRoute } from "./http-route";

/** Shared Signals Framework transmitter metadata, on the lean HTTP layer beside the other discovery documents. */
export function ssfRoutes(ctx: OAuthContext): HttpRoute[] {
  return [
    {
      path: "/.well-known/ssf-configuration",
      methods: ["GET", "HEAD"],
      handle(_req, res) {
        sendJson(res, 200, ssfConfiguration(ctx.issuer), { "cache-control": "public, max-age=300" });
      },
    },
  ];
}
