/**
 * The test OpenID provider (e2e/support/oidc-provider.mjs) and the app's SSO
 * settings: playwright.config.ts hands these to both servers.
 */
export const OIDC_PORT = Number(process.env.E2E_OIDC_PORT ?? 3101);
export const OIDC_ISSUER = `http://127.0.0.1:${OIDC_PORT}`;
export const OIDC_CLIENT_ID = "mandate-e2e";
export const OIDC_CLIENT_SECRET = "mandate-e2e-client-secret";
export const OIDC_NAME = "Acme IdP";

export function ssoEnv(appOrigin: string): Record<string, string> {
  return {
    MANDATE_OIDC_ISSUER: OIDC_ISSUER,
    MANDATE_OIDC_CLIENT_ID: OIDC_CLIENT_ID,
    MANDATE_OIDC_CLIENT_SECRET: OIDC_CLIENT_SECRET,
    MANDATE_OIDC_NAME: OIDC_NAME,
    E2E_APP_ORIGIN: appOrigin,
  };
}
