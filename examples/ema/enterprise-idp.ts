/**
 * A local enterprise IdP for the example, built on oidc-provider: it stands in
 * for Okta, Entra or your company's OpenID provider. Mandate trusts it (the
 * demo data has it under Trusted IdPs, with its JWKS URL) and accepts the ID
 * tokens it issues to the example agent as token-exchange subject tokens.
 *
 * Real sign-in happens in a browser; here the login and consent screens are
 * replaced by a handler that signs in the person named in `login_hint`, so
 * the whole flow runs in a terminal.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import Provider from "oidc-provider";

export interface ExampleIdp {
  issuer: string;
  /** Signs `email` in and returns the ID token the IdP issues to `clientId` (OIDC authorization code flow). */
  signIn(email: string): Promise<string>;
  close(): Promise<void>;
}

const REDIRECT_URI = "http://127.0.0.1/callback";

/** One signing key, kept across runs so Mandate's cached copy of the IdP's JWKS stays valid. */
async function signingKey(file: string): Promise<JWK> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as JWK;
  } catch {
    const { privateKey } = await generateKeyPair("RS256", { extractable: true });
    const jwk = { ...(await exportJWK(privateKey)), kid: `example-idp-${Date.now()}`, alg: "RS256", use: "sig" };
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify(jwk), { mode: 0o600 });
    return jwk;
  }
}

export async function startExampleIdp(opts: {
  port: number;
  clientId: string;
  clientSecret: string;
  keyFile: string;
}): Promise<ExampleIdp> {
  // Listen first: with port 0 the issuer is known only once the port is.
  const http: Server = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve, reject) => http.once("error", reject).listen(opts.port, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    // The agent is a client of the IdP too: the ID tokens it obtains name it as their audience.
    clients: [
      {
        client_id: opts.clientId,
        client_secret: opts.clientSecret,
        redirect_uris: [REDIRECT_URI],
        application_type: "native",
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    jwks: { keys: [await signingKey(opts.keyFile)] },
    findAccount: (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: () => ({ sub, email: sub, email_verified: true }),
    }),
    claims: { openid: ["sub"], email: ["email", "email_verified"] },
    conformIdTokenClaims: false, // email in the ID token itself: Mandate matches the person by it
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    pkce: { required: () => false },
    cookies: { keys: ["example-only"] },
  });
  const callback = provider.callback();
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    if (!req.url?.startsWith("/interaction/")) return void callback(req, res);
    void (async () => {
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name === "login") {
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId: String(details.params.login_hint) } },
          { mergeWithLastSubmission: false },
        );
      } else {
        const grant = new provider.Grant({ accountId: details.session?.accountId ?? "", clientId: opts.clientId });
        grant.addOIDCScope("openid email");
        await provider.interactionFinished(
          req,
          res,
          { consent: { grantId: await grant.save() } },
          { mergeWithLastSubmission: true },
        );
      }
    })().catch((e: unknown) => res.writeHead(500).end(String(e)));
  };

  async function signIn(email: string): Promise<string> {
    // Follow the browser's redirects by hand, carrying the IdP's cookies, until the code comes back.
    const cookies = new Map<string, string>();
    let url = `${issuer}/auth?${new URLSearchParams({ client_id: opts.clientId, response_type: "code", scope: "openid email", redirect_uri: REDIRECT_URI, login_hint: email, nonce: "n" })}`;
    for (let hop = 0; hop < 10; hop++) {
      const res = await fetch(url, {
        redirect: "manual",
        headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; ") },
      });
      for (const c of res.headers.getSetCookie()) {
        const [pair = ""] = c.split(";");
        cookies.set(pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1));
      }
      const next = new URL(res.headers.get("location") ?? "", url);
      if (!next.href.startsWith(REDIRECT_URI)) {
        url = next.href;
        continue;
      }
      const token = await fetch(`${issuer}/token`, {
        method: "POST",
        headers: { authorization: `Basic ${Buffer.from(`${opts.clientId}:${opts.clientSecret}`).toString("base64")}` },
        body: new URLSearchParams({
          grant_type: "authorization_code",
          code: next.searchParams.get("code") ?? "",
          redirect_uri: REDIRECT_URI,
        }),
      });
      return ((await token.json()) as { id_token: string }).id_token;
    }
    throw new Error("the IdP sign-in did not finish");
  }

  return { issuer, signIn, close: () => new Promise<void>((r) => (http.closeAllConnections(), http.close(() => r()))) };
}
