import type { NextRequest } from "next/server";
import { handlers } from "@/app/_server/auth";

/**
 * Next hands route handlers a URL on the hostname the server was started with
 * (server/main.ts: localhost; NextRequest also rewrites 127.0.0.1 to
 * localhost), while Auth.js builds the sign-in redirect_uri in server actions
 * from the Host header. Unless AUTH_URL pins the origin, give Auth.js the
 * request's own origin here too: otherwise the OIDC callback sends a different
 * redirect_uri to the token endpoint (invalid_grant) and its redirects point at
 * localhost.
 */
function withRequestOrigin(req: NextRequest): NextRequest {
  if (process.env.AUTH_URL || process.env.NEXTAUTH_URL) return req;
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  if (!host) return req;
  const current = new URL(req.url);
  const proto = (req.headers.get("x-forwarded-proto") ?? current.protocol).split(",")[0]!.trim().replace(/:$/, "");
  // A plain Request: a NextRequest would turn a loopback host back into localhost.
  return new Request(new URL(`${current.pathname}${current.search}`, `${proto}://${host}`), req) as NextRequest;
}

export const GET = (req: NextRequest) => handlers.GET(withRequestOrigin(req));
export const POST = (req: NextRequest) => handlers.POST(withRequestOrigin(req));
