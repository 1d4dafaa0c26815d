/**
 * A real OpenID provider for the SSO end-to-end tests: panva's oidc-provider
 * with one confidential client (Mandate), authorization code + PKCE, and its
 * built-in development login/consent pages (any login is accepted; the login
 * becomes the subject and, when it looks like one, the email address).
 *
 * Started by Playwright (playwright.config.ts, webServer) on the issuer URL
 * that scripts/e2e-server.sh gives the app; both read the same variables and
 * share these defaults.
 */
import { createServer } from "node:http";
import Provider from "oidc-provider";

const issuer = process.env.MANDATE_OIDC_ISSUER ?? "http://127.0.0.1:3101";
const clientId = process.env.MANDATE_OIDC_CLIENT_ID ?? "mandate-e2e";
const clientSecret = process.env.MANDATE_OIDC_CLIENT_SECRET ?? "mandate-e2e-client-secret";
const appOrigin = process.env.E2E_APP_ORIGIN ?? "http://127.0.0.1:3100";

/** "grace.hopper@acme.example" → "Grace Hopper". */
const nameOf = (login) =>
  login
    .split("@")[0]
    .split(/[._-]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join(" ");

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [`${appOrigin}/api/auth/callback/oidc`],
      response_types: ["code"],
      grant_types: ["authorization_code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  pkce: { required: () => true },
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
  // Auth.js reads the profile from the ID token: put the scope's claims in it.
  conformIdTokenClaims: false,
  async findAccount(_ctx, sub) {
    return {
      accountId: sub,
      async claims() {
        return {
          sub,
          email: sub.includes("@") ? sub.toLowerCase() : undefined,
          email_verified: true,
          name: nameOf(sub),
        };
      },
    };
  },
  cookies: { keys: ["mandate-e2e-oidc-cookie-key"] },
  features: { devInteractions: { enabled: true } },
});

// Why a grant was refused is only said here (the client just sees invalid_grant).
for (const event of ["grant.error", "authorization.error", "server_error"]) {
  provider.on(event, (_ctx, err) =>
    console.error(
      `oidc-provider: ${event}: ${err.error_description ?? err.message}${err.error_detail ? ` (${err.error_detail})` : ""}`,
    ),
  );
}

const { hostname, port } = new URL(issuer);
const server = createServer(provider.callback());
server.listen(Number(port), hostname, () => console.log(`oidc-provider: ${issuer} (client ${clientId})`));
for (const signal of ["SIGTERM", "SIGINT"]) process.once(signal, () => server.close(() => process.exit(0)));
