import { createHash, randomBytes } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Principal } from "@/lib/auth/principal";
import { verifyAuditChain } from "@/lib/audit/verify";
import { createDb, type Db } from "@/lib/db/client";
import {
  bindPerson,
  decideConsent,
  issueAuthorizationCode,
  loadAuthorization,
  refuseAuthorization,
  type PersonSignIn,
} from "@/lib/interactive/consent";
import { setRegistrationPolicy } from "@/lib/interactive/registration-policy";
import { clearClientMetadataCache } from "@/lib/oauth/client-metadata-document";
import type { OAuthContext } from "@/lib/oauth/context";
import { createOAuthContext } from "@/lib/oauth/create-context";
import { revokeSessions } from "@/lib/sessions/revoke-sessions";
import { createProtocolServer } from "@/server/protocol-server";
import { startClientMetadataHost, TEST_CA_FILE, type ClientMetadataHost } from "../support/client-metadata-host";
import { freshDatabase, PROVIDERS, type FreshDatabase } from "../support/databases";

process.env.MANDATE_MASTER_KEY ??= randomBytes(32).toString("base64url");
// The test's client web site is on this machine: only "localhost" may resolve to a loopback address.
process.env.MANDATE_CIMD_ALLOW_PRIVATE_HOSTS = "localhost";
process.env.MANDATE_CIMD_CA_FILE = TEST_CA_FILE;

const RESOURCE = "https://mcp.acme.example/docs";
const REDIRECT = "http://127.0.0.1:47123/callback";
const b64url = (b: Buffer) => b.toString("base64url");

function pkce(): { verifier: string; challenge: string } {
  const verifier = b64url(randomBytes(32));
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

const admin: Principal = { kind: "system", label: "test admin", roles: ["admin"] };

/**
 * Interactive MCP clients end to end on the lean protocol server, over real
 * HTTP, on both stores: the client's metadata document on an HTTPS host of
 * its own, /oauth/authorize, the consent decisions the console page makes
 * (lib/interactive/consent.ts, called directly here; the browser flow is in
 * e2e/interactive-clients.spec.ts), and the token endpoint.
 */
describe.each(PROVIDERS)("interactive clients on %s", (provider) => {
  let fresh: FreshDatabase;
  let db: Db;
  let ctx: OAuthContext;
  let server: Server;
  let issuer: string;
  let host: ClientMetadataHost;
  let clientId: string;
  let alice: PersonSignIn;
  let bob: PersonSignIn;
  let entitlementId: string;

  const authorizeUrl = (params: Record<string, string | undefined>) => {
    const url = new URL(`${issuer}/oauth/authorize`);
    for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
    return url;
  };
  const authorize = (params: Record<string, string | undefined>) => fetch(authorizeUrl(params), { redirect: "manual" });
  const goodParams = (challenge: string, extra: Record<string, string | undefined> = {}) => ({
    response_type: "code",
    client_id: clientId,
    redirect_uri: REDIRECT,
    code_challenge: challenge,
    code_challenge_method: "S256",
    state: "st-" + randomBytes(4).toString("hex"),
    resource: RESOURCE,
    ...extra,
  });
  const token = (form: Record<string, string>) =>
    fetch(`${issuer}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form),
    });
  const audit = (action: string) =>
    db.auditEvent.findMany({ where: { action }, orderBy: [{ stream: "asc" }, { seq: "asc" }] });

  /** Authorize → console consent as `person` → the code on the redirect URI. */
  async function codeFor(
    person: PersonSignIn,
    scope?: string,
  ): Promise<{ code: string; verifier: string; state: string }> {
    const { verifier, challenge } = pkce();
    const params = goodParams(challenge, { scope });
    const res = await authorize(params);
    expect(res.status).toBe(303);
    const id = res.headers.get("location")!.replace("/authorize/", "");
    await bindPerson(db, id, person);
    const { redirectTo } = await issueAuthorizationCode(db, id, person, issuer);
    const back = new URL(redirectTo);
    expect(back.origin + back.pathname).toBe(REDIRECT);
    expect(back.searchParams.get("state")).toBe(params.state);
    expect(back.searchParams.get("iss")).toBe(issuer);
    return { code: back.searchParams.get("code")!, verifier, state: params.state };
  }
  const redeem = (code: string, verifier: string, extra: Record<string, string> = {}) =>
    token({
      grant_type: "authorization_code",
      client_id: clientId,
      code,
      code_verifier: verifier,
      redirect_uri: REDIRECT,
      resource: RESOURCE,
      ...extra,
    });

  beforeAll(async () => {
    fresh = await freshDatabase(provider);
    db = createDb(fresh.config);
    server = createProtocolServer((ctx = createOAuthContext(db, { issuer: "http://placeholder" })));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    Object.assign(ctx, { issuer });
    host = await startClientMetadataHost();
    clientId = `${host.origin}/oauth/client.json`;
    host.serve("/oauth/client.json", {
      headers: { "cache-control": "max-age=600" },
      body: JSON.stringify({
        client_id: clientId,
        client_name: "Acme IDE",
        client_uri: "https://ide.acme.example",
        redirect_uris: [REDIRECT],
        grant_types: ["authorization_code", "refresh_token"],
        token_endpoint_auth_method: "none",
      }),
    });
    clearClientMetadataCache();

    const a = await db.user.create({ data: { email: "alice@acme.example", displayName: "Alice" } });
    const b = await db.user.create({ data: { email: "bob@acme.example", displayName: "Bob" } });
    alice = { userId: a.id, email: a.email, signedInAt: new Date() };
    bob = { userId: b.id, email: b.email, signedInAt: new Date() };
    const docs = await db.mcpServer.create({
      data: { name: "Docs", slug: "docs", resourceUri: RESOURCE, enforcementMode: "gateway" },
    });
    const read = await db.tool.create({
      data: { serverId: docs.id, name: "read_doc", scope: "docs.read", status: "approved" },
    });
    const write = await db.tool.create({
      data: { serverId: docs.id, name: "write_doc", scope: "docs.write", risk: "write", status: "approved" },
    });
    const ent = await db.entitlement.create({
      data: { name: "docs-rw", serverId: docs.id, tools: { create: [{ toolId: read.id }, { toolId: write.id }] } },
    });
    entitlementId = ent.id;
    await db.assignment.create({ data: { entitlementId, principalType: "user", userId: a.id, justification: "test" } });
  });

  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await host.close();
    await db.$disconnect();
    await fresh.drop();
  });

  beforeEach(() => {
    alice.signedInAt = new Date();
    bob.signedInAt = new Date();
  });

  it("discovery advertises the authorization code flow with S256, client ID metadata documents, and no registration endpoint while it is off", async () => {
    const meta = (await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json()) as Record<
      string,
      unknown
    >;
    expect(meta).toMatchObject({
      authorization_endpoint: `${issuer}/oauth/authorize`,
      response_types_supported: ["code"],
      code_challenge_methods_supported: ["S256"],
      client_id_metadata_document_supported: true,
      authorization_response_iss_parameter_supported: true,
    });
    expect(meta.grant_types_supported).toEqual(expect.arrayContaining(["authorization_code", "refresh_token"]));
    expect(meta.token_endpoint_auth_methods_supported).toContain("none");
    expect(meta).not.toHaveProperty("registration_endpoint");
    expect(
      (
        await fetch(`${issuer}/oauth/register`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{}",
        })
      ).status,
    ).toBe(404);
  });

  it("an unknown client becomes an interactive agent pending approval, and nobody can use it until it is approved", async () => {
    const res = await authorize(goodParams(pkce().challenge));
    expect(res.status).toBe(403);
    expect(res.headers.get("location")).toBeNull();
    expect(await res.text()).toContain("unauthorized_client");
    const agent = await db.agent.findUniqueOrThrow({ where: { clientId } });
    expect(agent).toMatchObject({
      kind: "interactive",
      status: "pending",
      authMethod: "none",
      registration: "cimd",
      name: "Acme IDE",
      redirectUris: REDIRECT,
    });
    expect((await audit("agent.registered")).map((e) => e.targetId)).toContain(agent.id);
    const refused = await audit("authorization.refused");
    expect(refused.at(-1)).toMatchObject({ actorId: agent.id, decision: "deny" });
    expect((refused.at(-1)!.detail as { error: string }).error).toBe("unauthorized_client");

    // Approved, and granted the docs entitlement (the client's side of the intersection).
    await db.agent.update({ where: { id: agent.id }, data: { status: "active", approvedAt: new Date() } });
    await db.assignment.create({
      data: { entitlementId, principalType: "agent", agentId: agent.id, justification: "approved client" },
    });
    expect((await authorize(goodParams(pkce().challenge))).status).toBe(303);
  });

  it("refuses a redirect URI that is not registered on a page, never redirecting to it", async () => {
    const res = await authorize(goodParams(pkce().challenge, { redirect_uri: "https://evil.example/callback" }));
    expect(res.status).toBe(400);
    expect(res.headers.get("location")).toBeNull();
    expect(await res.text()).toContain("invalid_request");
    expect((await audit("authorization.refused")).at(-1)!.reason).toContain("redirect_uri");
  });

  it("refuses a PKCE downgrade and a missing resource at the client's redirect URI, with state and iss", async () => {
    for (const [extra, error, words] of [
      [{ code_challenge_method: "plain" }, "invalid_request", "S256"],
      [{ code_challenge_method: undefined }, "invalid_request", "S256"],
      [{ code_challenge: undefined }, "invalid_request", "code_challenge"],
      [{ resource: undefined }, "invalid_target", "resource"],
      [{ resource: "https://elsewhere.example/mcp" }, "invalid_target", "registered"],
      [{ response_type: "token" }, "unsupported_response_type", "code"],
    ] as const) {
      const params = goodParams(pkce().challenge, extra as Record<string, string | undefined>);
      const res = await authorize(params);
      expect(res.status, JSON.stringify(extra)).toBe(303);
      const back = new URL(res.headers.get("location")!);
      expect(back.origin + back.pathname).toBe(REDIRECT);
      expect(back.searchParams.get("error")).toBe(error);
      expect(back.searchParams.get("error_description")).toContain(words);
      expect(back.searchParams.get("state")).toBe(params.state);
      expect(back.searchParams.get("iss")).toBe(issuer);
      expect((await audit("authorization.refused")).at(-1)!.reason).toContain(error);
    }
  });

  it("issues a code only to a signed-in person with access, and redeems it once for an access token and a refresh token", async () => {
    const { code, verifier } = await codeFor(alice);
    expect((await audit("authorization.signed_in")).at(-1)).toMatchObject({ actorId: alice.userId });
    expect((await audit("authorization.code_issued")).at(-1)).toMatchObject({
      actorId: alice.userId,
      decision: "allow",
    });

    const res = await redeem(code, verifier);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      access_token: string;
      refresh_token: string;
      scope: string;
      expires_in: number;
    };
    expect(body.scope).toBe("docs.read docs.write");
    expect(body.refresh_token).toMatch(/^mrt_/);
    const claims = decodeJwt(body.access_token);
    expect(claims).toMatchObject({
      sub: alice.userId,
      aud: RESOURCE,
      client_id: clientId,
      iss: issuer,
      scope: "docs.read docs.write",
    });
    const session = await db.agentSession.findUniqueOrThrow({ where: { id: claims.sid as string } });
    expect(session).toMatchObject({ userId: alice.userId, grantType: "authorization_code", status: "active" });
    const tokens = await db.issuedToken.findMany({ where: { sessionId: session.id }, orderBy: { kind: "asc" } });
    expect(tokens.map((t) => t.kind).sort()).toEqual(["access_token", "refresh_token"]);
    // The store keeps the refresh token's hash, never the token.
    expect(tokens.find((t) => t.kind === "refresh_token")!.jti).toBe(
      createHash("sha256").update(body.refresh_token).digest("hex"),
    );
    const minted = (await audit("token.minted")).at(-1)!;
    expect(minted).toMatchObject({ sessionId: session.id, reason: "Authorization code redeemed" });

    // Replayed: refused, and the session it opened is revoked with every token in it.
    const replay = await redeem(code, verifier);
    expect(replay.status).toBe(400);
    expect(((await replay.json()) as { error: string }).error).toBe("invalid_grant");
    expect((await db.agentSession.findUniqueOrThrow({ where: { id: session.id } })).status).toBe("revoked");
    expect((await audit("token.reuse_detected")).at(-1)).toMatchObject({ sessionId: session.id, decision: "deny" });
    const refreshed = await token({
      grant_type: "refresh_token",
      client_id: clientId,
      refresh_token: body.refresh_token,
      resource: RESOURCE,
    });
    expect(refreshed.status).toBe(400);
  });

  it("refuses a wrong verifier, another redirect URI and a missing resource at the token endpoint", async () => {
    const { code, verifier } = await codeFor(alice);
    const error = async (r: Response) => ((await r.json()) as { error: string }).error;
    expect(await error(await redeem(code, pkce().verifier))).toBe("invalid_grant");
    expect(await error(await redeem(code, verifier, { redirect_uri: "http://127.0.0.1:47123/other" }))).toBe(
      "invalid_grant",
    );
    const noResource = await token({
      grant_type: "authorization_code",
      client_id: clientId,
      code,
      code_verifier: verifier,
      redirect_uri: REDIRECT,
    });
    expect(await error(noResource)).toBe("invalid_target");
    // None of those spent the code.
    expect((await redeem(code, verifier)).status).toBe(200);
  });

  it("rotates the refresh token on every use, and a reused one revokes the whole session", async () => {
    const { code, verifier } = await codeFor(alice);
    const first = (await (await redeem(code, verifier)).json()) as { refresh_token: string; access_token: string };
    const sid = decodeJwt(first.access_token).sid as string;
    const r1 = await token({
      grant_type: "refresh_token",
      client_id: clientId,
      refresh_token: first.refresh_token,
      resource: RESOURCE,
    });
    expect(r1.status).toBe(200);
    const second = (await r1.json()) as { refresh_token: string; access_token: string };
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(decodeJwt(second.access_token).sid).toBe(sid);
    expect((await audit("token.minted")).at(-1)!.reason).toBe("Refresh token redeemed and rotated");

    const reuse = await token({
      grant_type: "refresh_token",
      client_id: clientId,
      refresh_token: first.refresh_token,
      resource: RESOURCE,
    });
    expect(reuse.status).toBe(400);
    expect(((await reuse.json()) as { error: string }).error).toBe("invalid_grant");
    expect((await db.agentSession.findUniqueOrThrow({ where: { id: sid } })).status).toBe("revoked");
    expect((await audit("token.reuse_detected")).at(-1)).toMatchObject({ sessionId: sid });
    // The family is dead: the newest refresh token too.
    expect(
      (
        await token({
          grant_type: "refresh_token",
          client_id: clientId,
          refresh_token: second.refresh_token,
          resource: RESOURCE,
        })
      ).status,
    ).toBe(400);
  });

  it("revoking the session (console, API, kill switch) kills its refresh token at once", async () => {
    const { code, verifier } = await codeFor(alice);
    const body = (await (await redeem(code, verifier)).json()) as { refresh_token: string; access_token: string };
    await revokeSessions(db, admin, {
      sessionIds: [decodeJwt(body.access_token).sid as string],
      reason: "incident drill",
    });
    const res = await token({
      grant_type: "refresh_token",
      client_id: clientId,
      refresh_token: body.refresh_token,
      resource: RESOURCE,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: "invalid_grant",
      error_description: expect.stringContaining("revoked"),
    });
  });

  it("ends refresh when re-authentication is due, and sends the person back to sign in", async () => {
    await db.entitlement.update({ where: { id: entitlementId }, data: { reauthIntervalSeconds: 600 } });
    try {
      const { code, verifier } = await codeFor(alice);
      const body = (await (await redeem(code, verifier)).json()) as {
        refresh_token: string;
        access_token: string;
        refresh_token_expires_in: number;
      };
      expect(body.refresh_token_expires_in).toBeLessThanOrEqual(600);
      await db.agentSession.update({
        where: { id: decodeJwt(body.access_token).sid as string },
        data: { reauthDueAt: new Date(Date.now() - 1000) },
      });
      const res = await token({
        grant_type: "refresh_token",
        client_id: clientId,
        refresh_token: body.refresh_token,
        resource: RESOURCE,
      });
      expect(await res.json()).toMatchObject({ error: "invalid_grant" });
      // A sign-in older than the interval is not enough for a new authorization either.
      const old = { ...alice, signedInAt: new Date(Date.now() - 3600_000) };
      const started = await authorize(goodParams(pkce().challenge));
      const id = started.headers.get("location")!.replace("/authorize/", "");
      await bindPerson(db, id, old);
      expect(await decideConsent(db, (await loadAuthorization(db, id))!, old)).toMatchObject({
        ok: false,
        reason: "reauthenticate",
      });
    } finally {
      await db.entitlement.update({ where: { id: entitlementId }, data: { reauthIntervalSeconds: null } });
    }
  });

  it("shows a person without access that they have none, and audits the refusal", async () => {
    const started = await authorize(goodParams(pkce().challenge));
    const id = started.headers.get("location")!.replace("/authorize/", "");
    await bindPerson(db, id, bob);
    const view = (await loadAuthorization(db, id))!;
    const consent = await decideConsent(db, view, bob);
    expect(consent).toMatchObject({ ok: false, reason: "no_access" });
    await expect(issueAuthorizationCode(db, id, bob, issuer)).rejects.toThrow(/no access/);
    const { redirectTo } = await refuseAuthorization(db, id, bob, issuer, {
      error: "access_denied",
      description: "no access",
    });
    expect(new URL(redirectTo).searchParams.get("error")).toBe("access_denied");
    expect((await audit("authorization.refused")).at(-1)).toMatchObject({ actorId: bob.userId, targetId: id });
    // Another person cannot take over a request already bound to Bob.
    await expect(bindPerson(db, id, alice)).rejects.toThrow(/someone else/);
  });

  it("refuses a metadata document URL on 127.0.0.1 without fetching it, and a document over the size limit", async () => {
    const before = host.hits.get("/loopback.json") ?? 0;
    host.serve("/loopback.json", { body: "{}" });
    const loopbackId = `https://127.0.0.1:${host.port}/loopback.json`;
    const res = await authorize({ ...goodParams(pkce().challenge), client_id: loopbackId });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("invalid_client");
    expect(host.hits.get("/loopback.json") ?? 0).toBe(before);
    expect((await audit("authorization.refused")).at(-1)!.reason).toMatch(/invalid_client: .*not a public address/);

    const hugeId = `${host.origin}/huge.json`;
    host.serve("/huge.json", {
      body: JSON.stringify({ client_id: hugeId, redirect_uris: [REDIRECT], padding: "x".repeat(64 * 1024) }),
    });
    const huge = await authorize({ ...goodParams(pkce().challenge), client_id: hugeId });
    expect(huge.status).toBe(400);
    expect(await huge.text()).toContain("invalid_client");
    expect((await audit("authorization.refused")).at(-1)!.reason).toContain("larger than");
    expect(await db.agent.count({ where: { clientId: { in: [loopbackId, hugeId] } } })).toBe(0);
  });

  it("registers clients dynamically only once an admin switches it on, pending approval", async () => {
    await setRegistrationPolicy(db, admin, { dynamicRegistration: true, autoApprove: [] });
    try {
      const meta = (await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json()) as Record<
        string,
        unknown
      >;
      expect(meta.registration_endpoint).toBe(`${issuer}/oauth/register`);
      const res = await fetch(`${issuer}/oauth/register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          client_name: "CLI tool",
          redirect_uris: ["http://127.0.0.1:5555/cb"],
          token_endpoint_auth_method: "none",
          grant_types: ["authorization_code", "refresh_token"],
        }),
      });
      expect(res.status).toBe(201);
      const reg = (await res.json()) as { client_id: string; client_secret?: string };
      expect(reg.client_secret).toBeUndefined();
      expect(await db.agent.findUniqueOrThrow({ where: { clientId: reg.client_id } })).toMatchObject({
        status: "pending",
        kind: "interactive",
        registration: "dcr",
      });
      const bad = await fetch(`${issuer}/oauth/register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ redirect_uris: ["http://evil.example/cb"] }),
      });
      expect(await bad.json()).toMatchObject({ error: "invalid_redirect_uri" });
    } finally {
      await setRegistrationPolicy(db, admin, { dynamicRegistration: false, autoApprove: [] });
    }
  });

  it("keeps every audit chain intact", async () => {
    const report = await verifyAuditChain(db);
    expect(report.firstBroken).toBeNull();
    expect(report.eventsChecked).toBeGreaterThan(20);
  });
});
