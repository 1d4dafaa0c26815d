/**
 * The console's public origin, when configured: `AUTH_URL`, else
 * `MANDATE_ISSUER` (one deployment, one origin). Auth.js builds its callback
 * and redirect URLs from it instead of the request's Host header, which a
 * caller chooses (next-auth's reqWithEnvURL reads AUTH_URL). Null when neither
 * is set: a local run follows the Host it is reached on.
 */
export function configuredConsoleOrigin(env: Record<string, string | undefined> = process.env): string | null {
  const configured = env.AUTH_URL?.trim() || env.MANDATE_ISSUER?.trim();
  if (!configured) return null;
  try {
    return new URL(configured).origin;
  } catch {
    throw new Error(`AUTH_URL / MANDATE_ISSUER must be an absolute URL (got "${configured}")`);
  }
}

/**
 * Next's request URL rewrites a loopback IP host (127.x.x.x, [::1]) to
 * `localhost` (next/dist/server/web/next-url.js), and next-auth rebuilds its
 * route-handler requests from AUTH_URL through that class. Pinned to a loopback
 * IP, the OIDC callback would then redeem the code with a `localhost`
 * redirect_uri while sign-in (a server action, not rewritten) sent the IP:
 * the IdP refuses the grant. Such an origin only serves this machine, so it
 * follows the Host header instead (app/api/auth/[...nextauth]/route.ts).
 */
function isLoopbackAddress(origin: string): boolean {
  const { hostname } = new URL(origin);
  return /^127(\.\d{1,3}){3}$/.test(hostname) || hostname === "[::1]";
}

/** Makes Auth.js use the configured origin: sets AUTH_URL from MANDATE_ISSUER when only that is set. */
export function pinAuthUrl(env: Record<string, string | undefined> = process.env): void {
  const origin = configuredConsoleOrigin(env);
  if (origin && !env.AUTH_URL?.trim() && !isLoopbackAddress(origin)) env.AUTH_URL = origin;
}
