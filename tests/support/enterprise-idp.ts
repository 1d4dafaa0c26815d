import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair } from "jose";
import Provider from "oidc-provider";

export interface EnterpriseIdp {
  issuer: string;
  jwksUri: string;
  /** The agent's client id at the IdP: the `aud` of the ID tokens it obtains. */
  clientId: string;
  /** A real ID token for `sub`, whose auth_time lies `authAgeSeconds` in the past. */
  idToken(sub: string, opts?: { authAgeSeconds?: number }): Promise<string>;
  close(): Promise<void>;
}

const REDIRECT = "http://127.0.0.1/cb";

/**
 * A real oidc-provider on 127.0.0.1 standing in for the enterprise IdP. ID
 * tokens come from its genuine authorization-code flow; only the login and
 * consent screens are replaced by a tiny interaction handler that logs in the
 * account named in `login_hint` (with a chosen authentication time) and
 * grants openid+email. That keeps the flow headless without scraping HTML
 * from devInteractions, whose markup is not a stable interface.
 */
export async function startEnterpriseIdp(): Promise<EnterpriseIdp> {
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const clientId = "enterprise-agent-app";
  const clientSecret = "idp-client-secret-for-tests";
  const provider = new Provider(issuer, {
    clients: [{
      client_id: clientId, client_secret: clientSecret, application_type: "native", redirect_uris: [REDIRECT],
      grant_types: ["authorization_code"], response_types: ["code"], require_auth_time: true,
    }],
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: "idp-key-1", alg: "RS256", use: "sig" }] },
    findAccount: (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => ({ sub, email: `${sub}@acme.example`, email_verified: true }) }),
    claims: { openid: ["sub"], email: ["email", "email_verified"] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    pkce: { required: () => false },
    cookies: { keys: ["test-only-cookie-key"] },
    // Put email in the ID token itself (not only at userinfo): Mandate can match people by it.
    conformIdTokenClaims: false,
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 3600 },
  });
  const callback = provider.callback();
  server.on("request", (req, res) => {
    if (!req.url?.startsWith("/interaction/")) return callback(req, res);
    void (async () => {
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name === "login") {
        const [sub = "", age = "0"] = String(details.params.login_hint ?? "").split(":");
        await provider.interactionFinished(req, res, { login: { accountId: sub, ts: Math.floor(Date.now() / 1000) - Number(age) } }, { mergeWithLastSubmission: false });
      } else {
        const grant = new provider.Grant({ accountId: details.session?.accountId ?? "", clientId });
        grant.addOIDCScope("openid email");
        await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
      }
    })().catch((e: unknown) => {
      res.statusCode = 500;
      res.end(String(e));
    });
  });

  async function idToken(sub: string, opts: { authAgeSeconds?: number } = {}): Promise<string> {
    const jar = new Map<string, string>();
    const go = async (url: string) => {
      const res = await fetch(url, { redirect: "manual", headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") } });
      for (const c of res.headers.getSetCookie()) {
        const pair = c.split(";")[0] ?? "";
        const eq = pair.indexOf("=");
        jar.set(pair.slice(0, eq), pair.slice(eq + 1));
      }
      return res;
    };
    const auth = new URL(`${issuer}/auth`);
    auth.search = new URLSearchParams({
      client_id: clientId, response_type: "code", scope: "openid email", redirect_uri: REDIRECT, state: "s", nonce: "n",
      login_hint: `${sub}:${opts.authAgeSeconds ?? 0}`,
    }).toString();
    let url = auth.href;
    let code: string | null = null;
    for (let hop = 0; hop < 10 && !code; hop++) {
      const res = await go(url);
      const location = res.headers.get("location");
      if (!location) throw new Error(`IdP flow stopped at ${url}: ${res.status} ${await res.text()}`);
      const next = new URL(location, url);
      if (next.href.startsWith(REDIRECT)) code = next.searchParams.get("code");
      else url = next.href;
    }
    if (!code) throw new Error("IdP flow did not return a code");
    const res = await fetch(`${issuer}/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}` },
      body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: REDIRECT }),
    });
    const body = (await res.json()) as { id_token?: string };
    if (!body.id_token) throw new Error(`IdP token response without id_token: ${JSON.stringify(body)}`);
    return body.id_token;
  }

  return {
    issuer, jwksUri: `${issuer}/jwks`, clientId, idToken,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
