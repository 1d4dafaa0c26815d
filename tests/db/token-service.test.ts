import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from "jose";
import * as client from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAuditChain } from "@/lib/audit/verify";
import { revocationBus, type Revocation } from "@/lib/gateway/revocation-bus";
import { createDb, type Db } from "@/lib/db/client";
import { rotateSigningKeys } from "@/lib/keys/rotate-signing-keys";
import type { OAuthContext } from "@/lib/oauth/context";
import { createOAuthContext } from "@/lib/oauth/create-context";
import { flushRefusalThrottles } from "@/lib/oauth/refusal-throttle";
import { GRANT_JWT_BEARER, GRANT_TOKEN_EXCHANGE, TOKEN_TYPE_ID_JAG, TOKEN_TYPE_ID_TOKEN } from "@/lib/oauth/defaults";
import { createProtocolServer } from "@/server/protocol-server";
import { freshDatabase, PROVIDERS, type FreshDatabase } from "../support/databases";
import { bindAgentToIdp, startEnterpriseIdp, type EnterpriseIdp } from "../support/enterprise-idp";

process.env.MANDATE_MASTER_KEY ??= randomBytes(32).toString("base64url");

const GATEWAY = "https://mcp.acme.example/docs";
const NATIVE = "https://native.acme.example/mcp";
const NATIVE_AS = "https://as.native.acme.example";
const SECURE = "https://mcp.acme.example/payroll";
const UNREGISTERED = "https://elsewhere.example/mcp";

interface AgentKey {
  clientId: string;
  key: CryptoKey;
  kid: string;
}

async function agentKey(clientId: string): Promise<AgentKey & { publicJwk: JWK }> {
  const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
  const kid = `${clientId}-k1`;
  return {
    clientId,
    key: privateKey,
    kid,
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" },
  };
}

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/**
 * The token service end to end, over real HTTP, on both stores: openid-client
 * as the agent, a real oidc-provider as the enterprise IdP, Mandate's lean
 * protocol server on a random port.
 */
describe.each(PROVIDERS)("token service on %s", (provider) => {
  let fresh: FreshDatabase;
  let db: Db;
  let ctx: OAuthContext;
  let server: Server;
  let issuer: string;
  let idp: EnterpriseIdp;
  let autonomous: AgentKey;
  let delegated: AgentKey;
  let delegated2: AgentKey;
  const ids = { alice: "", bob: "" };
  const SECRET = "s3cret-" + randomBytes(16).toString("hex");

  beforeAll(async () => {
    fresh = await freshDatabase(provider);
    db = createDb(fresh.config);
    // Trusting X-Forwarded-For lets a test speak from several addresses (only the limit tests send it).
    server = createProtocolServer((ctx = createOAuthContext(db, { issuer: "http://placeholder" })), {
      trustProxy: true,
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // The issuer is known only once the port is: rebuild the routes' context in place.
    Object.assign(ctx, { issuer });
    idp = await startEnterpriseIdp();

    const a = await agentKey("agent-autonomous");
    const d = await agentKey("agent-delegated");
    const d2 = await agentKey("agent-delegated-2");
    [autonomous, delegated, delegated2] = [a, d, d2];

    const alice = await db.user.create({
      data: { email: "alice@acme.example", displayName: "Alice", idpIssuer: idp.issuer, idpSubject: "alice" },
    });
    const bob = await db.user.create({
      data: { email: "bob@acme.example", displayName: "Bob", idpIssuer: idp.issuer, idpSubject: "bob" },
    });
    await db.user.create({
      data: {
        email: "carol@acme.example",
        displayName: "Carol",
        idpIssuer: idp.issuer,
        idpSubject: "carol",
        active: false,
      },
    });
    ids.alice = alice.id;
    ids.bob = bob.id;

    const gw = await db.mcpServer.create({
      data: { name: "Docs", slug: "docs", resourceUri: GATEWAY, enforcementMode: "gateway" },
    });
    const nat = await db.mcpServer.create({
      data: {
        name: "Native",
        slug: "native",
        resourceUri: NATIVE,
        enforcementMode: "native",
        authorizationServerIssuer: NATIVE_AS,
      },
    });
    const sec = await db.mcpServer.create({
      data: { name: "Payroll", slug: "payroll", resourceUri: SECURE, enforcementMode: "gateway" },
    });
    const tool = (serverId: string, name: string, scope: string, risk: "read" | "write" = "read") =>
      db.tool.create({ data: { serverId, name, scope, risk, status: "approved" } });
    const read = await tool(gw.id, "read_doc", "docs.read");
    const write = await tool(gw.id, "write_doc", "docs.write", "write");
    const admin = await tool(gw.id, "admin_doc", "docs.admin", "write");
    const natRead = await tool(nat.id, "search", "native.search");
    const pay = await tool(sec.id, "payslips", "payroll.read");
    await db.tool.create({ data: { serverId: gw.id, name: "pending_tool", scope: "docs.pending", status: "pending" } });

    const ent = async (
      name: string,
      serverId: string,
      toolIds: string[],
      extra: { maxSessionSeconds?: number; reauthIntervalSeconds?: number } = {},
    ) =>
      db.entitlement.create({
        data: { name, serverId, ...extra, tools: { create: toolIds.map((toolId) => ({ toolId })) } },
      });
    const docsRw = await ent("docs-rw", gw.id, [read.id, write.id]);
    const docsAdmin = await ent("docs-admin", gw.id, [admin.id]);
    const native = await ent("native", nat.id, [natRead.id]);
    const payroll = await ent("payroll", sec.id, [pay.id], { reauthIntervalSeconds: 600 });

    const agentRow = (k: AgentKey & { publicJwk: JWK }, kind: "autonomous" | "delegated", grants: string) =>
      db.agent.create({
        data: {
          clientId: k.clientId,
          name: k.clientId,
          kind,
          authMethod: "private_key_jwt",
          jwks: { keys: [k.publicJwk] },
          allowedGrantTypes: grants,
        },
      });
    const delegatedGrants = `${GRANT_TOKEN_EXCHANGE} ${GRANT_JWT_BEARER}`;
    const aRow = await agentRow(a, "autonomous", "client_credentials");
    const dRow = await agentRow(d, "delegated", delegatedGrants);
    const d2Row = await agentRow(d2, "delegated", delegatedGrants);
    const basic = await db.agent.create({
      data: {
        clientId: "agent-basic",
        name: "agent-basic",
        kind: "autonomous",
        authMethod: "client_secret_basic",
        clientSecretHash: sha256(SECRET),
        allowedGrantTypes: "client_credentials",
        maxTokenLifetimeSeconds: 120,
      },
    });
    const post = await db.agent.create({
      data: {
        clientId: "agent-post",
        name: "agent-post",
        kind: "autonomous",
        authMethod: "client_secret_post",
        clientSecretHash: sha256(SECRET),
        allowedGrantTypes: "client_credentials",
      },
    });
    await db.agent.create({
      data: {
        clientId: "agent-suspended",
        name: "agent-suspended",
        kind: "autonomous",
        status: "suspended",
        authMethod: "client_secret_basic",
        clientSecretHash: sha256(SECRET),
        allowedGrantTypes: "client_credentials",
      },
    });
    await db.agent.create({
      data: {
        clientId: "agent-retired",
        name: "agent-retired",
        kind: "autonomous",
        status: "retired",
        authMethod: "client_secret_basic",
        clientSecretHash: sha256(SECRET),
        allowedGrantTypes: "client_credentials",
      },
    });

    const assign = (entitlementId: string, who: { agentId?: string; userId?: string }) =>
      db.assignment.create({
        data: { entitlementId, principalType: who.agentId ? "agent" : "user", ...who, justification: "test" },
      });
    for (const agentId of [aRow.id, dRow.id, d2Row.id, basic.id, post.id]) await assign(docsRw.id, { agentId });
    await assign(docsAdmin.id, { agentId: dRow.id });
    await assign(docsAdmin.id, { agentId: aRow.id });
    await assign(native.id, { agentId: dRow.id });
    await assign(payroll.id, { agentId: dRow.id });
    for (const userId of [alice.id, bob.id]) {
      await assign(docsRw.id, { userId });
      await assign(native.id, { userId });
      await assign(payroll.id, { userId });
    }
    await db.trustedIdp.create({ data: { name: "Acme IdP", issuer: idp.issuer, jwksUri: idp.jwksUri } });
    // Each delegated agent's client at the IdP: the first uses the IdP's default client, the second its own.
    await bindAgentToIdp(db, idp.issuer, dRow.id, idp.clientId);
    await bindAgentToIdp(db, idp.issuer, d2Row.id);
  });

  afterAll(async () => {
    await new Promise<void>((r) => (server ? (server.closeAllConnections(), server.close(() => r())) : r()));
    await idp?.close();
    await db?.$disconnect();
    await fresh?.drop();
  });

  // ───────────── helpers

  const configFor = (k: AgentKey) =>
    client.discovery(new URL(issuer), k.clientId, undefined, client.PrivateKeyJwt({ key: k.key, kid: k.kid }), {
      execute: [client.allowInsecureRequests],
    });

  async function clientAssertion(
    k: AgentKey,
    claims: JWTPayload = {},
    header: Record<string, unknown> = {},
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      iss: k.clientId,
      sub: k.clientId,
      aud: issuer,
      jti: randomUUID(),
      iat: now,
      exp: now + 60,
      ...claims,
    })
      .setProtectedHeader({ alg: "ES256", kid: k.kid, ...header })
      .sign(k.key);
  }

  async function post(
    path: string,
    params: Record<string, string> | string,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    return fetch(`${issuer}${path}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: typeof params === "string" ? params : new URLSearchParams(params),
    });
  }

  async function asAgent(k: AgentKey, params: Record<string, string>, path = "/oauth/token"): Promise<Response> {
    return post(path, {
      ...params,
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_assertion: await clientAssertion(k),
    });
  }

  async function counts() {
    return {
      tokens: await db.issuedToken.count(),
      sessions: await db.agentSession.count(),
      refused: await db.auditEvent.count({ where: { action: "token.refused" } }),
    };
  }

  /** The request is refused with `error`, nothing is minted, and the refusal is in the audit trail. */
  async function expectRefused(
    send: () => Promise<Response>,
    error: string,
    status = 400,
  ): Promise<Record<string, unknown>> {
    const before = await counts();
    const res = await send();
    const body = (await res.json()) as Record<string, unknown>;
    expect({ status: res.status, error: body.error }).toEqual({ status, error });
    expect(res.headers.get("cache-control")).toBe("no-store");
    const after = await counts();
    expect(after.tokens).toBe(before.tokens);
    expect(after.sessions).toBe(before.sessions);
    expect(after.refused).toBe(before.refused + 1);
    const last = await db.auditEvent.findFirstOrThrow({ where: { action: "token.refused" }, orderBy: { seq: "desc" } });
    expect(last.decision).toBe("deny");
    expect(last.reason?.startsWith(`${error}: `)).toBe(true);
    return body;
  }

  async function idJag(k: AgentKey = delegated, extra: Record<string, string> = {}): Promise<string> {
    const config = await configFor(k);
    const res = await client.genericGrantRequest(config, GRANT_TOKEN_EXCHANGE, {
      requested_token_type: TOKEN_TYPE_ID_JAG,
      subject_token: await idp.idToken("alice"),
      subject_token_type: TOKEN_TYPE_ID_TOKEN,
      audience: issuer,
      resource: GATEWAY,
      scope: "docs.read docs.write",
      ...extra,
    });
    return res.access_token;
  }

  /** Signs with Mandate's own active key, to test claim checks behind a valid signature. */
  async function signedByUs(header: Record<string, unknown>, claims: JWTPayload): Promise<string> {
    const signer = await ctx.keys.signer();
    return new SignJWT(claims).setProtectedHeader({ alg: signer.alg, kid: signer.kid, ...header }).sign(signer.key);
  }

  // ───────────── discovery and keys

  it("publishes RFC 8414 metadata and a JWKS with the active and next keys", async () => {
    const config = await configFor(autonomous);
    const meta = config.serverMetadata();
    expect(meta.issuer).toBe(issuer);
    expect(meta.token_endpoint).toBe(`${issuer}/oauth/token`);
    expect(meta.grant_types_supported).toEqual([
      "client_credentials",
      GRANT_TOKEN_EXCHANGE,
      GRANT_JWT_BEARER,
      "authorization_code",
      "refresh_token",
    ]);
    expect(meta.token_endpoint_auth_methods_supported).toContain("private_key_jwt");
    expect(meta.identity_chaining_requested_token_types_supported).toEqual([TOKEN_TYPE_ID_JAG]);
    const oauthMeta = await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json();
    expect(oauthMeta).toEqual(await (await fetch(`${issuer}/.well-known/openid-configuration`)).json());
    const jwks = (await (await fetch(`${issuer}/oauth/jwks`)).json()) as { keys: JWK[] };
    expect(jwks.keys).toHaveLength(2);
    const keys = await db.signingKey.findMany();
    expect(keys.map((k) => k.status).sort()).toEqual(["active", "next"]);
    expect(keys.every((k) => k.privateKeyEnc.startsWith("v1.") && !k.privateKeyEnc.includes("PRIVATE"))).toBe(true);
    expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);
    expect(await db.auditEvent.count({ where: { action: "key.created" } })).toBe(2);
    expect(await db.auditEvent.count({ where: { action: "key.activated" } })).toBe(1);
  });

  // ───────────── client_credentials

  it("mints an RFC 9068 access token for an autonomous agent (private_key_jwt)", async () => {
    const config = await configFor(autonomous);
    const res = await client.clientCredentialsGrant(config, {
      resource: GATEWAY,
      scope: "docs.read docs.admin docs.pending",
    });
    expect(res.token_type).toBe("bearer");
    expect(res.scope).toBe("docs.read docs.admin");
    expect(res.expires_in).toBe(300);
    const header = decodeProtectedHeader(res.access_token);
    expect(header.typ).toBe("at+jwt");
    expect(header.alg).toBe("ES256");
    const claims = decodeJwt(res.access_token);
    expect(claims).toMatchObject({
      iss: issuer,
      aud: GATEWAY,
      sub: autonomous.clientId,
      client_id: autonomous.clientId,
      scope: "docs.read docs.admin",
    });
    const session = await db.agentSession.findUniqueOrThrow({ where: { id: String(claims.sid) } });
    expect(session).toMatchObject({ userId: null, status: "active", grantType: "client_credentials", tokenCount: 1 });
    const row = await db.issuedToken.findUniqueOrThrow({ where: { jti: String(claims.jti) } });
    expect(row).toMatchObject({ kind: "access_token", audience: GATEWAY, sessionId: session.id });
    const minted = await db.auditEvent.findFirstOrThrow({ where: { action: "token.minted", sessionId: session.id } });
    expect(minted.decision).toBe("allow");

    // A second mint extends the same session rather than opening another.
    const again = decodeJwt(
      (await client.clientCredentialsGrant(config, { resource: GATEWAY, scope: "docs.read" })).access_token,
    );
    expect(again.sid).toBe(claims.sid);
    expect((await db.agentSession.findUniqueOrThrow({ where: { id: session.id } })).tokenCount).toBe(2);
  });

  it("authenticates client_secret_basic and client_secret_post, and applies the agent's lifetime cap", async () => {
    const basic = await client.discovery(new URL(issuer), "agent-basic", undefined, client.ClientSecretBasic(SECRET), {
      execute: [client.allowInsecureRequests],
    });
    const r1 = await client.clientCredentialsGrant(basic, { resource: GATEWAY });
    expect(r1.scope).toBe("docs.read docs.write");
    expect(r1.expires_in).toBe(120);
    const postCfg = await client.discovery(new URL(issuer), "agent-post", undefined, client.ClientSecretPost(SECRET), {
      execute: [client.allowInsecureRequests],
    });
    expect((await client.clientCredentialsGrant(postCfg, { resource: GATEWAY, scope: "docs.write" })).scope).toBe(
      "docs.write",
    );
  });

  it("refuses scope escalation, unknown resources and missing resources", async () => {
    const basicAuth = { authorization: `Basic ${Buffer.from(`agent-basic:${SECRET}`).toString("base64")}` };
    await expectRefused(
      () =>
        post("/oauth/token", { grant_type: "client_credentials", resource: GATEWAY, scope: "docs.admin" }, basicAuth),
      "invalid_scope",
    );
    await expectRefused(
      () => post("/oauth/token", { grant_type: "client_credentials", resource: UNREGISTERED }, basicAuth),
      "invalid_target",
    );
    await expectRefused(
      () => post("/oauth/token", { grant_type: "client_credentials", resource: NATIVE }, basicAuth),
      "invalid_target",
    );
    await expectRefused(() => post("/oauth/token", { grant_type: "client_credentials" }, basicAuth), "invalid_target");
  });

  it("decides on the agent's grants as they are at the mint: an ended assignment counts from the next request", async () => {
    const basicAuth = { authorization: `Basic ${Buffer.from(`agent-basic:${SECRET}`).toString("base64")}` };
    const ask = () => post("/oauth/token", { grant_type: "client_credentials", resource: GATEWAY }, basicAuth);
    const first = await ask();
    expect(first.status).toBe(200);
    await first.body?.cancel();
    const agent = await db.agent.findUniqueOrThrow({ where: { clientId: "agent-basic" } });
    const live = await db.assignment.findFirstOrThrow({ where: { agentId: agent.id, endedAt: null } });
    await db.assignment.update({ where: { id: live.id }, data: { endedAt: new Date(), endedReason: "test" } });
    try {
      const body = await expectRefused(ask, "invalid_target");
      expect(body.error_description).toBe("no access to this resource");
    } finally {
      await db.assignment.create({
        data: {
          entitlementId: live.entitlementId,
          principalType: "agent",
          agentId: agent.id,
          justification: "restored",
        },
      });
    }
    const again = await ask();
    expect(again.status).toBe(200);
    await again.body?.cancel();
  });

  it("takes the target server from the registry as it is at the mint: a server re-addressed counts from the next request", async () => {
    const basicAuth = { authorization: `Basic ${Buffer.from(`agent-basic:${SECRET}`).toString("base64")}` };
    const moved = `${GATEWAY}/v2`;
    const server = await db.mcpServer.findFirstOrThrow({ where: { resourceUri: GATEWAY } });
    await db.mcpServer.update({ where: { id: server.id }, data: { resourceUri: moved } });
    try {
      const body = await expectRefused(
        () => post("/oauth/token", { grant_type: "client_credentials", resource: GATEWAY }, basicAuth),
        "invalid_target",
      );
      expect(body.error_description).toBe("resource is not a registered MCP server");
      const res = await post("/oauth/token", { grant_type: "client_credentials", resource: moved }, basicAuth);
      expect(res.status).toBe(200);
      expect(decodeJwt(((await res.json()) as { access_token: string }).access_token).aud).toBe(moved);
    } finally {
      await db.mcpServer.update({ where: { id: server.id }, data: { resourceUri: GATEWAY } });
    }
    expect(
      (await post("/oauth/token", { grant_type: "client_credentials", resource: GATEWAY }, basicAuth)).status,
    ).toBe(200);
  });

  // ───────────── client authentication

  it("refuses bad client credentials, suspended and retired agents, and disallowed grants", async () => {
    const basic = (id: string, secret: string) => ({
      authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`,
    });
    const cc = { grant_type: "client_credentials", resource: GATEWAY };
    const res = await post("/oauth/token", cc, basic("agent-basic", "wrong"));
    expect(res.headers.get("www-authenticate")).toMatch(/^Basic /);
    await res.body?.cancel();
    await expectRefused(() => post("/oauth/token", cc, basic("agent-basic", "wrong")), "invalid_client", 401);
    await expectRefused(() => post("/oauth/token", cc, basic("agent-suspended", SECRET)), "invalid_client", 401);
    await expectRefused(() => post("/oauth/token", cc, basic("agent-retired", SECRET)), "invalid_client", 401);
    await expectRefused(() => post("/oauth/token", cc, basic("nobody", SECRET)), "invalid_client", 401);
    await expectRefused(() => post("/oauth/token", cc), "invalid_client", 401);
    // Registered for client_secret_basic, presenting client_secret_post.
    await expectRefused(
      () => post("/oauth/token", { ...cc, client_id: "agent-basic", client_secret: SECRET }),
      "invalid_client",
      401,
    );
    await expectRefused(
      () => asAgent(autonomous, { grant_type: GRANT_JWT_BEARER, assertion: "x" }),
      "unauthorized_client",
    );
  });

  it("tells a stranger only that client authentication failed, and the audit trail why", async () => {
    const basic = (id: string, secret: string) => ({
      authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`,
    });
    const cc = { grant_type: "client_credentials", resource: GATEWAY };
    const cases: [Record<string, string>, string][] = [
      [basic("nobody", SECRET), "invalid_client: unknown client"],
      [basic("agent-suspended", SECRET), "invalid_client: client is suspended"],
      [basic("agent-retired", SECRET), "invalid_client: client is retired"],
      [basic("agent-basic", "wrong"), "invalid_client: invalid client secret"],
    ];
    for (const [headers, reason] of cases) {
      const body = await expectRefused(() => post("/oauth/token", cc, headers), "invalid_client", 401);
      expect(body.error_description).toBe("client authentication failed");
      const last = await db.auditEvent.findFirstOrThrow({
        where: { action: "token.refused" },
        orderBy: { seq: "desc" },
      });
      expect(last.reason).toBe(reason);
    }
  });

  it("limits wrong secrets per client and address, and summarises a stranger's refusals naming a known client", async () => {
    await db.agent.create({
      data: {
        clientId: "agent-guessed",
        name: "agent-guessed",
        kind: "autonomous",
        authMethod: "client_secret_basic",
        clientSecretHash: sha256(SECRET),
        allowedGrantTypes: "client_credentials",
      },
    });
    const cc = { grant_type: "client_credentials", resource: GATEWAY };
    const from = (address: string, secret: string) => ({
      authorization: `Basic ${Buffer.from(`agent-guessed:${secret}`).toString("base64")}`,
      "x-forwarded-for": address,
    });
    const refusals = () =>
      db.auditEvent.findMany({
        where: { action: "token.refused", reason: { startsWith: "invalid_client" }, clientAddress: "198.51.100.66" },
        orderBy: { seq: "asc" },
      });
    for (let i = 0; i < 30; i++) {
      const res = await post("/oauth/token", cc, from("198.51.100.66", `guess-${i}`));
      expect(res.status).toBe(401);
      await res.body?.cancel();
    }
    // Past 10 wrong secrets the address's attempts are not checked, even the right one.
    const right = await post("/oauth/token", cc, from("198.51.100.66", SECRET));
    expect(right.status).toBe(401);
    await right.body?.cancel();
    // The agent itself, elsewhere, is not shut out.
    const elsewhere = await post("/oauth/token", cc, from("198.51.100.67", SECRET));
    expect(((await elsewhere.json()) as { error?: string }).error).not.toBe("invalid_client");
    // 20 refusals a minute are audited one by one; the rest become one summary naming the client.
    const one = await refusals();
    expect(one).toHaveLength(20);
    expect(one.filter((e) => e.reason === "invalid_client: invalid client secret")).toHaveLength(10);
    expect(
      one.filter((e) => e.reason === "invalid_client: too many wrong client secrets from this address; not checked"),
    ).toHaveLength(10);
    await flushRefusalThrottles();
    const summary = (await refusals()).slice(20);
    expect(summary).toHaveLength(1);
    expect(summary[0]!.reason).toMatch(
      /^invalid_client: 11 further refusals \(invalid_client\) of unauthenticated requests naming client agent-guessed from this address/,
    );
  });

  it("refuses client assertions issued in the future or meant to live longer than the maximum", async () => {
    const cc = { grant_type: "client_credentials", resource: GATEWAY };
    const withAssertion = (assertion: string) => () =>
      post("/oauth/token", {
        ...cc,
        client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        client_assertion: assertion,
      });
    const now = Math.floor(Date.now() / 1000);
    const reasonOfLast = async () =>
      (await db.auditEvent.findFirstOrThrow({ where: { action: "token.refused" }, orderBy: { seq: "desc" } })).reason;
    await expectRefused(
      withAssertion(await clientAssertion(autonomous, { iat: now + 365 * 86_400 })),
      "invalid_client",
      401,
    );
    expect(await reasonOfLast()).toBe("invalid_client: client_assertion iat is in the future");
    await expectRefused(
      withAssertion(await clientAssertion(autonomous, { iat: now - 3600, exp: now + 60 })),
      "invalid_client",
      401,
    );
    expect(await reasonOfLast()).toMatch(/^invalid_client: client_assertion lifetime \(exp - iat\) is more than \d+s$/);
    // Within the clock skew, and within the lifetime: accepted.
    const ok = await withAssertion(await clientAssertion(autonomous, { iat: now + 5, exp: now + 60 }))();
    expect(ok.status).toBe(200);
    await ok.body?.cancel();
  });

  it("refuses forged, misaddressed, long-lived and replayed client assertions", async () => {
    const cc = { grant_type: "client_credentials", resource: GATEWAY };
    const withAssertion = (assertion: string) => () =>
      post("/oauth/token", {
        ...cc,
        client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        client_assertion: assertion,
      });
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${Buffer.from(JSON.stringify({ alg: "none", kid: autonomous.kid })).toString("base64url")}.${Buffer.from(JSON.stringify({ iss: autonomous.clientId, sub: autonomous.clientId, aud: issuer, jti: randomUUID(), exp: now + 60 })).toString("base64url")}.`;
    await expectRefused(withAssertion(unsigned), "invalid_client", 401);
    await expectRefused(
      withAssertion(await clientAssertion(autonomous, { aud: `${issuer}/oauth/token` })),
      "invalid_client",
      401,
    );
    await expectRefused(
      withAssertion(await clientAssertion(autonomous, { aud: [issuer, "https://other.example"] })),
      "invalid_client",
      401,
    );
    await expectRefused(withAssertion(await clientAssertion(autonomous, { exp: now + 3600 })), "invalid_client", 401);
    await expectRefused(withAssertion(await clientAssertion(autonomous, { exp: now - 120 })), "invalid_client", 401);
    await expectRefused(
      withAssertion(await clientAssertion(autonomous, { sub: "someone-else" })),
      "invalid_client",
      401,
    );
    // Signed by another agent's key, claiming to be this one.
    await expectRefused(
      withAssertion(
        await new SignJWT({
          iss: autonomous.clientId,
          sub: autonomous.clientId,
          aud: issuer,
          jti: randomUUID(),
          exp: now + 60,
        })
          .setProtectedHeader({ alg: "ES256", kid: autonomous.kid })
          .sign(delegated.key),
      ),
      "invalid_client",
      401,
    );
    const once = await clientAssertion(autonomous);
    const ok = await withAssertion(once)();
    expect(ok.status).toBe(200);
    await ok.body?.cancel();
    await expectRefused(withAssertion(once), "invalid_client", 401);
  });

  // ───────────── request hygiene

  it("refuses wrong content types, oversized, malformed and duplicated bodies, and unknown grants", async () => {
    const auth = { authorization: `Basic ${Buffer.from(`agent-basic:${SECRET}`).toString("base64")}` };
    await expectRefused(
      () =>
        fetch(`${issuer}/oauth/token`, {
          method: "POST",
          headers: { "content-type": "application/json", ...auth },
          body: JSON.stringify({ grant_type: "client_credentials" }),
        }),
      "invalid_request",
    );
    await expectRefused(
      () => post("/oauth/token", `grant_type=client_credentials&resource=${"a".repeat(20_000)}`, auth),
      "invalid_request",
      413,
    );
    await expectRefused(
      () =>
        fetch(`${issuer}/oauth/token`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", ...auth },
          body: Buffer.from([0x67, 0x3d, 0xff, 0xfe]),
        }),
      "invalid_request",
    );
    await expectRefused(
      () =>
        post(
          "/oauth/token",
          `grant_type=client_credentials&resource=${encodeURIComponent(GATEWAY)}&resource=${encodeURIComponent(NATIVE)}`,
          auth,
        ),
      "invalid_request",
    );
    await expectRefused(
      () => post("/oauth/token", { grant_type: "password", username: "a", password: "b" }, auth),
      "unsupported_grant_type",
    );
    // Refresh tokens exist for interactive clients only: an autonomous agent may not use the grant.
    await expectRefused(
      () => post("/oauth/token", { grant_type: "refresh_token", refresh_token: "x" }, auth),
      "unauthorized_client",
    );
    const get = await fetch(`${issuer}/oauth/token`);
    expect(get.status).toBe(405);
    await get.body?.cancel();
  });

  // ───────────── token exchange (ID-JAG) and jwt-bearer

  it("exchanges a real IdP ID token for an ID-JAG, then redeems it for an access token acting for the person", async () => {
    const config = await configFor(delegated);
    const idToken = await idp.idToken("alice");
    const jagRes = await client.genericGrantRequest(config, GRANT_TOKEN_EXCHANGE, {
      requested_token_type: TOKEN_TYPE_ID_JAG,
      subject_token: idToken,
      subject_token_type: TOKEN_TYPE_ID_TOKEN,
      audience: issuer,
      resource: GATEWAY,
      scope: "docs.read docs.write",
    });
    expect(jagRes.issued_token_type).toBe(TOKEN_TYPE_ID_JAG);
    expect(jagRes.token_type).toBe("n_a");
    expect(decodeProtectedHeader(jagRes.access_token).typ).toBe("oauth-id-jag+jwt");
    const jag = decodeJwt(jagRes.access_token);
    // The person as the enterprise IdP names them, with that IdP as the subject's issuer (RFC 9493 iss_sub).
    expect(jag).toMatchObject({
      iss: issuer,
      sub: "alice",
      sub_id: { format: "iss_sub", iss: idp.issuer, sub: "alice" },
      aud: issuer,
      client_id: delegated.clientId,
      resource: GATEWAY,
      scope: "docs.read docs.write",
      email: "alice@acme.example",
    });
    expect(typeof jag.auth_time).toBe("number");
    expect(jag.exp! - jag.iat!).toBeLessThanOrEqual(300);

    const at = await client.genericGrantRequest(config, GRANT_JWT_BEARER, {
      assertion: jagRes.access_token,
      scope: "docs.read",
    });
    expect(at.scope).toBe("docs.read");
    expect(decodeProtectedHeader(at.access_token).typ).toBe("at+jwt");
    const claims = decodeJwt(at.access_token);
    expect(claims).toMatchObject({
      sub: ids.alice,
      aud: GATEWAY,
      client_id: delegated.clientId,
      act: { sub: delegated.clientId },
      scope: "docs.read",
    });
    const session = await db.agentSession.findUniqueOrThrow({ where: { id: String(claims.sid) } });
    expect(session).toMatchObject({ userId: ids.alice, agentId: expect.any(String), tokenCount: 2 });
    expect(session.authTime).toBeInstanceOf(Date);
    expect(await db.issuedToken.count({ where: { sessionId: session.id } })).toBe(2);

    // Native servers: the ID-JAG is addressed to their own authorization server.
    const nativeJag = await client.genericGrantRequest(config, GRANT_TOKEN_EXCHANGE, {
      requested_token_type: TOKEN_TYPE_ID_JAG,
      subject_token: idToken,
      subject_token_type: TOKEN_TYPE_ID_TOKEN,
      audience: NATIVE_AS,
      resource: NATIVE,
    });
    expect(decodeJwt(nativeJag.access_token)).toMatchObject({
      aud: NATIVE_AS,
      resource: NATIVE,
      scope: "native.search",
    });
  });

  it("refuses token exchanges that escalate, mis-target, come from unknown IdPs or stale logins", async () => {
    const idToken = await idp.idToken("alice");
    const base = {
      grant_type: GRANT_TOKEN_EXCHANGE,
      requested_token_type: TOKEN_TYPE_ID_JAG,
      subject_token: idToken,
      subject_token_type: TOKEN_TYPE_ID_TOKEN,
      audience: issuer,
      resource: GATEWAY,
    };
    // The agent holds docs.admin, Alice does not: acting for her it cannot have it.
    await expectRefused(() => asAgent(delegated, { ...base, scope: "docs.admin" }), "invalid_scope");
    await expectRefused(() => asAgent(delegated, { ...base, audience: NATIVE_AS }), "invalid_target");
    await expectRefused(
      () => asAgent(delegated, { ...base, audience: NATIVE_AS, resource: NATIVE.replace("native", "n4tive") }),
      "invalid_target",
    );
    await expectRefused(
      () => asAgent(delegated, { ...base, requested_token_type: "urn:ietf:params:oauth:token-type:access_token" }),
      "invalid_request",
    );
    await expectRefused(
      () => asAgent(delegated, { ...base, subject_token_type: "urn:ietf:params:oauth:token-type:jwt" }),
      "invalid_request",
    );

    const rogue = await generateKeyPair("RS256");
    const now = Math.floor(Date.now() / 1000);
    const forged = (iss: string) =>
      new SignJWT({ iss, sub: "alice", aud: idp.clientId, iat: now, exp: now + 300, auth_time: now })
        .setProtectedHeader({ alg: "RS256", kid: "idp-key-1" })
        .sign(rogue.privateKey);
    await expectRefused(
      async () => asAgent(delegated, { ...base, subject_token: await forged("https://rogue-idp.example") }),
      "invalid_grant",
    );
    await expectRefused(
      async () => asAgent(delegated, { ...base, subject_token: await forged(idp.issuer) }),
      "invalid_grant",
    );
    await expectRefused(
      async () => asAgent(delegated, { ...base, subject_token: await idp.idToken("carol") }),
      "invalid_grant",
    );
    await expectRefused(
      async () => asAgent(delegated, { ...base, subject_token: await idp.idToken("mallory") }),
      "invalid_grant",
    );

    // Payroll requires a login within 10 minutes; Alice logged in an hour ago.
    const stale = await idp.idToken("alice", { authAgeSeconds: 3600 });
    const body = await expectRefused(
      () => asAgent(delegated, { ...base, subject_token: stale, resource: SECURE }),
      "insufficient_user_authentication",
    );
    expect(body.max_age).toBe(600);
    const freshLogin = await asAgent(delegated, { ...base, resource: SECURE });
    expect(freshLogin.status).toBe(200);
    await freshLogin.body?.cancel();
  });

  it("verifies ID-JAG assertions completely and accepts each only once", async () => {
    const jagFor = await idJag();
    const jag = decodeJwt(jagFor);
    const redeem =
      (assertion: string, k: AgentKey = delegated, extra: Record<string, string> = {}) =>
      () =>
        asAgent(k, { grant_type: GRANT_JWT_BEARER, assertion, ...extra });
    const ourKid = (await ctx.keys.signer()).kid;
    const now = Math.floor(Date.now() / 1000);
    const claims = { ...jag, jti: randomUUID() };

    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
    await expectRefused(
      redeem(`${b64({ alg: "none", typ: "oauth-id-jag+jwt", kid: ourKid })}.${b64(claims)}.`),
      "invalid_grant",
    );
    const ourPublic = JSON.stringify((await ctx.keys.jwks()).keys.find((k) => k.kid === ourKid));
    await expectRefused(
      redeem(
        await new SignJWT(claims)
          .setProtectedHeader({ alg: "HS256", typ: "oauth-id-jag+jwt", kid: ourKid })
          .sign(new TextEncoder().encode(ourPublic)),
      ),
      "invalid_grant",
    );
    const rogue = await generateKeyPair("ES256", { extractable: true });
    const rogueJwk = await exportJWK(rogue.publicKey);
    await expectRefused(
      redeem(
        await new SignJWT(claims)
          .setProtectedHeader({ alg: "ES256", typ: "oauth-id-jag+jwt", kid: "unknown-kid" })
          .sign(rogue.privateKey),
      ),
      "invalid_grant",
    );
    await expectRefused(
      redeem(
        await new SignJWT(claims)
          .setProtectedHeader({ alg: "ES256", typ: "oauth-id-jag+jwt", kid: ourKid, jwk: rogueJwk })
          .sign(rogue.privateKey),
      ),
      "invalid_grant",
    );
    await expectRefused(
      redeem(
        await new SignJWT(claims)
          .setProtectedHeader({ alg: "ES256", typ: "oauth-id-jag+jwt", kid: ourKid, jku: "https://rogue.example/jwks" })
          .sign(rogue.privateKey),
      ),
      "invalid_grant",
    );
    await expectRefused(
      redeem(
        await new SignJWT(claims)
          .setProtectedHeader({
            alg: "ES256",
            typ: "oauth-id-jag+jwt",
            kid: ourKid,
            x5u: "https://rogue.example/cert.pem",
          })
          .sign(rogue.privateKey),
      ),
      "invalid_grant",
    );

    // Signed by us, but wrong in one respect each.
    await expectRefused(
      redeem(await signedByUs({ typ: "oauth-id-jag+jwt" }, { ...claims, iss: "https://rogue.example" })),
      "invalid_grant",
    );
    await expectRefused(
      redeem(await signedByUs({ typ: "oauth-id-jag+jwt" }, { ...claims, aud: NATIVE_AS })),
      "invalid_grant",
    );
    await expectRefused(redeem(await signedByUs({ typ: "at+jwt" }, claims)), "invalid_grant");
    await expectRefused(
      redeem(await signedByUs({ typ: "oauth-id-jag+jwt" }, { ...claims, iat: now - 600, exp: now - 300 })),
      "invalid_grant",
    );
    await expectRefused(
      redeem(await signedByUs({ typ: "oauth-id-jag+jwt" }, { ...claims, nbf: now + 600 })),
      "invalid_grant",
    );
    // Well-formed and signed by us, but never issued (no IssuedToken row).
    await expectRefused(redeem(await signedByUs({ typ: "oauth-id-jag+jwt" }, claims)), "invalid_grant");

    // Issued to another client; wider scope than granted; then the real one, twice.
    await expectRefused(redeem(jagFor, delegated2), "invalid_grant");
    await expectRefused(redeem(jagFor, delegated, { scope: "docs.admin" }), "invalid_scope");
    // The person it names was deactivated after it was issued: refused (and not used up) while they are inactive.
    const alice = await db.user.findFirstOrThrow({ where: { idpSubject: "alice" } });
    await db.user.update({ where: { id: alice.id }, data: { active: false } });
    try {
      const body = await expectRefused(redeem(jagFor), "invalid_grant");
      expect(body.error_description).toBe("the person is no longer active");
    } finally {
      await db.user.update({ where: { id: alice.id }, data: { active: true } });
    }
    const ok = await redeem(jagFor)();
    expect(ok.status).toBe(200);
    await ok.body?.cancel();
    await expectRefused(redeem(jagFor), "invalid_grant");
  });

  // ───────────── introspection and revocation

  it("revokes at /oauth/revoke through the one revocation path: the revocation log, and this process's gateway at once", async () => {
    const config = await configFor(autonomous);
    const { access_token: token } = await client.clientCredentialsGrant(config, {
      resource: GATEWAY,
      scope: "docs.read",
    });
    const jti = String(decodeJwt(token).jti);
    const heard: Revocation[] = [];
    const stop = revocationBus.subscribe((r) => heard.push(r));
    try {
      await client.tokenRevocation(config, token);
    } finally {
      stop();
    }
    // Announced after commit on the bus the gateway listens to (not left to its next poll), and in the log other
    // instances catch up from.
    expect(heard).toEqual([{ jti }]);
    expect(await db.revocationEvent.count({ where: { jti } })).toBe(1);
    expect((await db.issuedToken.findUniqueOrThrow({ where: { jti } })).revokedAt).not.toBeNull();
  });

  it("introspects and revokes, and a revoked session ends its tokens", async () => {
    const config = await configFor(autonomous);
    const { access_token: token } = await client.clientCredentialsGrant(config, {
      resource: GATEWAY,
      scope: "docs.read",
    });
    const live = await client.tokenIntrospection(config, token);
    expect(live).toMatchObject({
      active: true,
      scope: "docs.read",
      client_id: autonomous.clientId,
      aud: GATEWAY,
      token_type: "Bearer",
    });

    // Another client learns nothing about it.
    const other = await client.tokenIntrospection(await configFor(delegated), token);
    expect(other).toEqual({ active: false });
    expect((await client.tokenIntrospection(config, "not-a-token")).active).toBe(false);

    const revokedBefore = await db.auditEvent.count({ where: { action: "token.revoked" } });
    await client.tokenRevocation(config, token);
    expect((await client.tokenIntrospection(config, token)).active).toBe(false);
    const unknown = await post("/oauth/revoke", {
      token: "garbage",
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_assertion: await clientAssertion(autonomous),
    });
    expect(unknown.status).toBe(200);
    expect(await unknown.text()).toBe("");
    expect(await db.auditEvent.count({ where: { action: "token.revoked" } })).toBe(revokedBefore + 2);
    expect(await db.auditEvent.count({ where: { action: "token.introspected" } })).toBeGreaterThanOrEqual(4);

    const { access_token: second } = await client.clientCredentialsGrant(config, {
      resource: GATEWAY,
      scope: "docs.read",
    });
    await db.agentSession.update({
      where: { id: String(decodeJwt(second).sid) },
      data: { status: "revoked", revokedAt: new Date() },
    });
    expect((await client.tokenIntrospection(config, second)).active).toBe(false);
    // A fresh mint after a revoked session opens a new one.
    const { access_token: third } = await client.clientCredentialsGrant(config, {
      resource: GATEWAY,
      scope: "docs.read",
    });
    expect(decodeJwt(third).sid).not.toBe(decodeJwt(second).sid);

    await expectRefused(() => post("/oauth/introspect", { token: third }), "invalid_client", 401);
  });

  // ───────────── rotation

  it("rotates keys: next becomes active, the old key keeps verifying until publishUntil, then is retired", async () => {
    const config = await configFor(autonomous);
    const { access_token: before } = await client.clientCredentialsGrant(config, {
      resource: GATEWAY,
      scope: "docs.read",
    });
    const oldKid = decodeProtectedHeader(before).kid;
    const next = await db.signingKey.findFirstOrThrow({ where: { status: "next" } });
    const nextKid = next.kid;
    // Published moments ago: other instances and verifiers may not have it yet, so it may not sign. Nothing changes.
    const keysBefore = await db.signingKey.findMany({ orderBy: { kid: "asc" } });
    const eventsBefore = await db.auditEvent.count();
    await expect(rotateSigningKeys(db)).rejects.toMatchObject({
      name: "DomainError",
      code: "conflict",
      message: expect.stringContaining(`The next key ${nextKid} was published`),
    });
    expect(await db.signingKey.findMany({ orderBy: { kid: "asc" } })).toEqual(keysBefore);
    expect(await db.auditEvent.count()).toBe(eventsBefore);

    const result = await rotateSigningKeys(db, { now: new Date(next.createdAt.getTime() + 61_000) });
    ctx.keys.invalidate();
    expect(result).toMatchObject({ activated: nextKid, retiring: oldKid, retired: [] });
    expect(result.created).toEqual(expect.any(String));

    const jwksKids = ((await (await fetch(`${issuer}/oauth/jwks`)).json()) as { keys: JWK[] }).keys
      .map((k) => k.kid)
      .sort();
    expect(jwksKids).toEqual([oldKid, nextKid, result.created].sort());
    const { access_token: after } = await client.clientCredentialsGrant(config, {
      resource: GATEWAY,
      scope: "docs.read",
    });
    expect(decodeProtectedHeader(after).kid).toBe(nextKid);
    expect((await client.tokenIntrospection(config, before)).active).toBe(true);

    const later = await rotateSigningKeys(db, { now: new Date(Date.now() + 3600_000) });
    ctx.keys.invalidate();
    expect(later.retired).toEqual([oldKid]);
    expect(
      ((await (await fetch(`${issuer}/oauth/jwks`)).json()) as { keys: JWK[] }).keys.map((k) => k.kid),
    ).not.toContain(oldKid);
    expect(await db.auditEvent.count({ where: { action: "key.retired" } })).toBe(1);
  });

  it("keeps the audit chain intact through all of it", async () => {
    const report = await verifyAuditChain(db);
    expect(report.firstBroken).toBeNull();
    expect(report.eventsChecked).toBeGreaterThan(50);
  });
});
