import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { exportJWK, generateKeyPair, importJWK, SignJWT } from "jose";
import Provider from "oidc-provider";
import type { Db } from "@/lib/db/client";

export interface EnterpriseIdp {
  issuer: string;
  jwksUri: string;
  /** The default client id at the IdP: the `aud` of ID tokens obtained without naming a client. */
  clientId: string;
  /**
   * A real ID token for `sub`, whose auth_time lies `authAgeSeconds` in the past, issued to `clientId` (registered at
   * the IdP on first use; tests name an agent's IdP client after its Mandate client id).
   */
  idToken(sub: string, opts?: { authAgeSeconds?: number; clientId?: string }): Promise<string>;
  /**
   * An ID-JAG as the IdP issues one at its own token exchange (the IdP is then the ID-JAG issuer), signed with its
   * current key; `claims` override the defaults.
   */
  signIdJag(claims: Record<string, unknown>, opts?: { typ?: string }): Promise<string>;
  /** Key rotation: a new signing key becomes current (published first in the JWK Set); the old one stays published. */
  rotateKeys(): Promise<string>;
  close(): Promise<void>;
}

/**
 * oidc-provider's storage, in memory, reachable from the test: clients are
 * upserted here on first use, so any client id can get ID tokens.
 */
class MemoryAdapter {
  static stores = new Map<string, Map<string, { payload: Record<string, unknown>; expiresAt: number | null }>>();
  private readonly store: Map<string, { payload: Record<string, unknown>; expiresAt: number | null }>;
  constructor(name: string) {
    let store = MemoryAdapter.stores.get(name);
    if (!store) MemoryAdapter.stores.set(name, (store = new Map()));
    this.store = store;
  }
  async upsert(id: string, payload: Record<string, unknown>, expiresIn?: number) {
    this.store.set(id, { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : null });
  }
  async find(id: string) {
    const hit = this.store.get(id);
    if (!hit || (hit.expiresAt !== null && hit.expiresAt < Date.now())) return undefined;
    return hit.payload;
  }
  async findByUid(uid: string) {
    for (const [id, v] of this.store) if (v.payload.uid === uid) return this.find(id);
    return undefined;
  }
  async findByUserCode() {
    return undefined;
  }
  async consume(id: string) {
    const hit = this.store.get(id);
    if (hit) hit.payload.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id: string) {
    this.store.delete(id);
  }
  async revokeByGrantId(grantId: string) {
    for (const [id, v] of this.store) if (v.payload.grantId === grantId) this.store.delete(id);
  }
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
export async function startEnterpriseIdp(
  opts: { claims?: (sub: string) => Record<string, unknown> } = {},
): Promise<EnterpriseIdp> {
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = "enterprise-agent-app";
  const clientSecret = "idp-client-secret-for-tests";
  const clientMetadata = (id: string) => ({
    client_id: id,
    client_secret: clientSecret,
    application_type: "native",
    redirect_uris: [REDIRECT],
    grant_types: ["authorization_code"],
    response_types: ["code"],
    require_auth_time: true,
  });
  const signingKey = async (kid: string) => ({
    ...(await exportJWK((await generateKeyPair("RS256", { extractable: true })).privateKey)),
    kid,
    alg: "RS256",
    use: "sig",
  });
  const keys = [await signingKey("idp-key-1")];
  // Each IdP has its own stores (the adapter's are keyed by model name, so prefix them per instance).
  const prefix = `${issuer}#`;
  class Adapter extends MemoryAdapter {
    constructor(name: string) {
      super(prefix + name);
    }
  }
  const registered = new Set<string>();
  const register = async (id: string) => {
    if (registered.has(id)) return;
    await new Adapter("Client").upsert(id, clientMetadata(id));
    registered.add(id);
  };
  let provider!: Provider;
  const build = () =>
    new Provider(issuer, {
      adapter: Adapter,
      clients: [],
      jwks: { keys },
      findAccount: (_ctx: unknown, sub: string) => ({
        accountId: sub,
        claims: () => opts.claims?.(sub) ?? { sub, email: `${sub}@acme.example`, email_verified: true },
      }),
      claims: { openid: ["sub"], email: ["email", "email_verified"] },
      features: { devInteractions: { enabled: false } },
      interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
      pkce: { required: () => false },
      cookies: { keys: ["test-only-cookie-key"] },
      // Put email in the ID token itself (not only at userinfo): Mandate can match people by it.
      conformIdTokenClaims: false,
      ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 3600 },
    });
  provider = build();
  let callback = provider.callback();
  server.on("request", (req, res) => {
    if (!req.url?.startsWith("/interaction/")) return callback(req, res);
    void (async () => {
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name === "login") {
        const [sub = "", age = "0"] = String(details.params.login_hint ?? "").split(":");
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId: sub, ts: Math.floor(Date.now() / 1000) - Number(age) } },
          { mergeWithLastSubmission: false },
        );
      } else {
        const grant = new provider.Grant({
          accountId: details.session?.accountId ?? "",
          clientId: String(details.params.client_id),
        });
        grant.addOIDCScope("openid email");
        await provider.interactionFinished(
          req,
          res,
          { consent: { grantId: await grant.save() } },
          { mergeWithLastSubmission: true },
        );
      }
    })().catch((e: unknown) => {
      res.statusCode = 500;
      res.end(String(e));
    });
  });

  async function idToken(sub: string, opts: { authAgeSeconds?: number; clientId?: string } = {}): Promise<string> {
    const client = opts.clientId ?? clientId;
    await register(client);
    const jar = new Map<string, string>();
    const go = async (url: string) => {
      const res = await fetch(url, {
        redirect: "manual",
        headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") },
      });
      for (const c of res.headers.getSetCookie()) {
        const pair = c.split(";")[0] ?? "";
        const eq = pair.indexOf("=");
        jar.set(pair.slice(0, eq), pair.slice(eq + 1));
      }
      return res;
    };
    const auth = new URL(`${issuer}/auth`);
    auth.search = new URLSearchParams({
      client_id: client,
      response_type: "code",
      scope: "openid email",
      redirect_uri: REDIRECT,
      state: "s",
      nonce: "n",
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
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${Buffer.from(`${client}:${clientSecret}`).toString("base64")}`,
      },
      body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: REDIRECT }),
    });
    const body = (await res.json()) as { id_token?: string };
    if (!body.id_token) throw new Error(`IdP token response without id_token: ${JSON.stringify(body)}`);
    return body.id_token;
  }

  // oidc-provider signs with the first key of its set for an algorithm: a new key put first is a rotation.
  async function rotateKeys(): Promise<string> {
    const kid = `idp-key-${keys.length + 1}`;
    keys.unshift(await signingKey(kid));
    provider = build();
    callback = provider.callback();
    return kid;
  }

  async function signIdJag(claims: Record<string, unknown>, opts: { typ?: string } = {}): Promise<string> {
    const current = keys[0]!;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: issuer, jti: randomUUID(), iat: now, exp: now + 300, ...claims })
      .setProtectedHeader({ alg: "RS256", kid: current.kid, typ: opts.typ ?? "oauth-id-jag+jwt" })
      .sign(await importJWK(current, "RS256"));
  }

  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    clientId,
    idToken,
    rotateKeys,
    signIdJag,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Records `clientId` (default: the agent's own client id) as the agent's client at the trusted IdP with `issuer`. */
export async function bindAgentToIdp(db: Db, issuer: string, agentId: string, clientId?: string): Promise<void> {
  const [idp, agent] = await Promise.all([
    db.trustedIdp.findUniqueOrThrow({ where: { issuer } }),
    db.agent.findUniqueOrThrow({ where: { id: agentId } }),
  ]);
  await db.agentIdpClient.create({ data: { agentId, idpId: idp.id, clientId: clientId ?? agent.clientId } });
}
