import type { IncomingMessage, ServerResponse } from "node:http";
import type { OAuthContext, OAuthRequest, OAuthResponse } from "@/lib/oauth/context";
import { authorizationEndpoint } from "@/lib/oauth/endpoints/authorization";
import { discoveryEndpoint } from "@/lib/oauth/endpoints/discovery";
import { introspectionEndpoint } from "@/lib/oauth/endpoints/introspection";
import { jwksEndpoint } from "@/lib/oauth/endpoints/jwks";
import { registrationEndpoint } from "@/lib/oauth/endpoints/registration";
import { revocationEndpoint } from "@/lib/oauth/endpoints/revocation";
import { tokenEndpoint } from "@/lib/oauth/endpoints/token";
import type { HttpRoute } from "./http-route";
import { bodyReader } from "./read-body";

function toOAuthRequest(req: IncomingMessage, limit: number): OAuthRequest {
  return {
    headers: req.headers,
    readBody: bodyReader(req, limit),
    clientAddress:
      (req.headers["x-forwarded-for"] as string | undefined)?.split(",")[0]?.trim() || req.socket.remoteAddress || null,
    requestId: (req.headers["x-request-id"] as string | undefined)?.slice(0, 128) ?? null,
  };
}

function send(res: ServerResponse, r: OAuthResponse): void {
  res.writeHead(r.status, { "content-length": String(Buffer.byteLength(r.body)), ...r.headers });
  res.end(r.body);
}

/** The token service's endpoints, served on plain node:http (see docs in server/http-route.ts). */
export function protocolRoutes(ctx: OAuthContext): HttpRoute[] {
  const limit = ctx.settings.maxBodyBytes;
  const post = (
    path: string,
    endpoint: (ctx: OAuthContext, req: OAuthRequest) => Promise<OAuthResponse>,
  ): HttpRoute => ({
    path,
    methods: ["POST"],
    async handle(req, res) {
      send(res, await endpoint(ctx, toOAuthRequest(req, limit)));
    },
  });
  const discovery: HttpRoute["handle"] = async (_req, res) => send(res, await discoveryEndpoint(ctx));
  return [
    { path: "/.well-known/oauth-authorization-server", methods: ["GET", "HEAD"], handle: discovery },
    { path: "/.well-known/openid-configuration", methods: ["GET", "HEAD"], handle: discovery },
    {
      path: "/oauth/authorize",
      methods: ["GET"],
      async handle(req, res, url) {
        send(res, await authorizationEndpoint(ctx, toOAuthRequest(req, limit), url.searchParams));
      },
    },
    post("/oauth/register", registrationEndpoint),
    {
      path: "/oauth/jwks",
      methods: ["GET", "HEAD"],
      async handle(_req, res) {
        send(res, await jwksEndpoint(ctx));
      },
    },
    post("/oauth/token", tokenEndpoint),
    post("/oauth/introspect", introspectionEndpoint),
    post("/oauth/revoke", revocationEndpoint),
  ];
}
