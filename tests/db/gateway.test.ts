import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { PrivateKeyJwtProvider } from "@modelcontextprotocol/sdk/client/auth-extensions.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport, StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { FetchLike } from "@modelcontextprotocol/sdk/shared/transport.js";
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";
import * as client from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { verifyAuditChain } from "@/lib/audit/verify";
import { createDb, type Db } from "@/lib/db/client";
import { Gateway } from "@/lib/gateway/gateway";
import { revocationBus } from "@/lib/gateway/revocation-bus";
import type { OAuthContext } from "@/lib/oauth/context";
import { createOAuthContext } from "@/lib/oauth/create-context";
import { canonicalJson } from "@/lib/servers/canonical-json";
import { argumentHashKey } from "@/lib/gateway/argument-log";
import { sealUpstreamCredential } from "@/lib/servers/upstream-credential";
import { createProtocolServer } from "@/server/protocol-server";
import { freshDatabase, PROVIDERS, type FreshDatabase } from "../support/databases";
import { recordedDefinition, startMcpTestServer, type McpTestServer, type TestTool } from "../support/mcp-test-server";

process.env.MANDATE_MASTER_KEY ??= randomBytes(32).toString("base64url");

const DOCS_SECRET = "upstream-docs-" + randomBytes(8).toString("hex");
const LIVE_SECRET = "upstream-live-" + randomBytes(8).toString("hex");
const STALE_AFTER_MS = 400;

/**
 * The MCP gateway end to end over real HTTP, on both stores: Mandate's lean
 * protocol server (token service + gateway) on a random port, two SDK MCP
 * servers as upstreams (one answering JSON, one SSE, one stateful), and as
 * agents the MCP SDK's client with its own OAuth provider (client_credentials
 * with private_key_jwt, finding Mandate through the server's RFC 9728
 * metadata) and raw fetch where exact statuses matter, with tokens minted by
 * openid-client (client_credentials, private_key_jwt).
 */
describe.each(PROVIDERS)("MCP gateway on %s", (provider) => {
  let fresh: FreshDatabase;
  let db: Db;
  let ctx: OAuthContext;
  let gateway: Gateway;
  let server: Server;
  let issuer: string;
  let docs: McpTestServer;
  let live: McpTestServer;
  let notes: McpTestServer;
  let agent: { clientId: string; key: CryptoKey; jwk: JWK };
  let release: () => void = () => {};
  const ids = { docs: "", live: "", agent: "", readDoc: "" };

  beforeAll(async () => {
    fresh = await freshDatabase(provider);
    db = createDb(fresh.config);
    ctx = createOAuthContext(db, { issuer: "http://placeholder" });
    gateway = new Gateway(ctx, {
      revocationPollMs: 50,
      revocationStaleAfterMs: STALE_AFTER_MS,
      directoryTtlMs: 60_000,
    });
    server = createProtocolServer(ctx, { gateway });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    Object.assign(ctx, { issuer });

    const plain = (name: string) => ({ name, input: { id: z.string().optional(), note: z.string().optional() } });
    const docsTools = [
      plain("read_doc"),
      plain("write_doc"),
      plain("admin_doc"),
      plain("pending_tool"),
      plain("unlisted_tool"),
    ];
    docs = await startMcpTestServer({ requireBearer: DOCS_SECRET, tools: docsTools });
    const liveTools: TestTool[] = [
      {
        name: "watch",
        input: { topic: z.string() },
        // Sends one progress event, then holds the response until the test releases it:
        // the client seeing the first event before the end proves the gateway streams.
        handler: async (_args, extra) => {
          await extra.sendNotification({
            method: "notifications/progress",
            params: { progressToken: String(extra._meta?.progressToken ?? "p"), progress: 1, total: 2 },
          });
          await new Promise<void>((r) => (release = r));
          return { content: [{ type: "text", text: "watch done" }] };
        },
      },
    ];
    live = await startMcpTestServer({ requireBearer: LIVE_SECRET, sse: true, tools: liveTools });

    const notesTools = [plain("take_note")];
    notes = await startMcpTestServer({ stateful: true, tools: notesTools });

    const docsRow = await db.mcpServer.create({
      data: {
        name: "Docs",
        slug: "docs",
        resourceUri: `${issuer}/mcp/docs`,
        enforcementMode: "gateway",
        upstreamUrl: docs.url,
        argumentLogging: "hash",
        authorizationServerIssuer: issuer,
      },
    });
    await db.mcpServer.update({
      where: { id: docsRow.id },
      data: { upstreamCredentialEnc: sealUpstreamCredential(docsRow.id, DOCS_SECRET) },
    });
    const liveRow = await db.mcpServer.create({
      data: {
        name: "Live",
        slug: "live",
        resourceUri: `${issuer}/mcp/live`,
        enforcementMode: "gateway",
        upstreamUrl: live.url,
        argumentLogging: "redacted",
        authorizationServerIssuer: issuer,
      },
    });
    await db.mcpServer.update({
      where: { id: liveRow.id },
      data: { upstreamCredentialEnc: sealUpstreamCredential(liveRow.id, LIVE_SECRET) },
    });
    const notesRow = await db.mcpServer.create({
      data: {
        name: "Notes",
        slug: "notes",
        resourceUri: `${issuer}/mcp/notes`,
        enforcementMode: "gateway",
        upstreamUrl: notes.url,
        authorizationServerIssuer: issuer,
      },
    });
    ids.docs = docsRow.id;
    ids.live = liveRow.id;

    // Each tool as a sync stores it and an approval pins it (tools/list answers are held to that definition).
    const offered = new Map([...docsTools, ...liveTools, ...notesTools].map((t) => [t.name, t]));
    const tool = (serverId: string, name: string, scope: string, status: "approved" | "pending" = "approved") =>
      db.tool.create({
        data: {
          serverId,
          name,
          scope,
          status,
          risk: "read",
          ...recordedDefinition(offered.get(name)!, status === "approved"),
        },
      });
    const readDoc = await tool(docsRow.id, "read_doc", "docs.read");
    const writeDoc = await tool(docsRow.id, "write_doc", "docs.write");
    await tool(docsRow.id, "admin_doc", "docs.admin");
    await tool(docsRow.id, "pending_tool", "docs.pending", "pending");
    const watch = await tool(liveRow.id, "watch", "live.watch");
    const takeNote = await tool(notesRow.id, "take_note", "notes.write");
    ids.readDoc = readDoc.id;

    const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
    const publicJwk = { ...(await exportJWK(publicKey)), alg: "ES256", use: "sig" };
    agent = { clientId: "agent-gw", key: privateKey, jwk: await exportJWK(privateKey) };
    const agentRow = await db.agent.create({
      data: {
        clientId: agent.clientId,
        name: "Gateway agent",
        kind: "autonomous",
        authMethod: "private_key_jwt",
        jwks: { keys: [publicJwk] },
        allowedGrantTypes: "client_credentials",
      },
    });
    ids.agent = agentRow.id;
    const docsRw = await db.entitlement.create({
      data: {
        name: "docs-rw",
        serverId: docsRow.id,
        tools: { create: [{ toolId: readDoc.id }, { toolId: writeDoc.id }] },
      },
    });
    const liveEnt = await db.entitlement.create({
      data: { name: "live", serverId: liveRow.id, tools: { create: [{ toolId: watch.id }] } },
    });
    const notesEnt = await db.entitlement.create({
      data: { name: "notes", serverId: notesRow.id, tools: { create: [{ toolId: takeNote.id }] } },
    });
    for (const e of [docsRw, liveEnt, notesEnt])
      await db.assignment.create({
        data: { entitlementId: e.id, principalType: "agent", agentId: agentRow.id, justification: "test" },
      });

    await gateway.start();
  });

  afterAll(async () => {
    release();
    await gateway?.stop();
    await new Promise<void>((r) => (server ? (server.closeAllConnections(), server.close(() => r())) : r()));
    await docs?.close();
    await live?.close();
    await notes?.close();
    await db?.$disconnect();
    await fresh?.drop();
  });

  // ───────────── helpers

  /** A token minted through the token service by openid-client (private_key_jwt). */
  async function mint(slug: string, scope: string): Promise<{ token: string; sid: string; jti: string }> {
    const config = await client.discovery(
      new URL(issuer),
      agent.clientId,
      undefined,
      client.PrivateKeyJwt({ key: agent.key }),
      { execute: [client.allowInsecureRequests] },
    );
    const t = await client.genericGrantRequest(config, "client_credentials", {
      scope,
      resource: `${issuer}/mcp/${slug}`,
    });
    const { sid, jti } = JSON.parse(Buffer.from(t.access_token.split(".")[1] ?? "", "base64url").toString()) as {
      sid: string;
      jti: string;
    };
    return { token: t.access_token, sid, jti };
  }

  let nextId = 1;
  const call = (name: string, args: Record<string, unknown> = {}) => ({
    jsonrpc: "2.0",
    id: nextId++,
    method: "tools/call",
    params: { name, arguments: args },
  });

  function post(slug: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${issuer}/mcp/${slug}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-protocol-version": "2025-06-18",
        ...headers,
      },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  }

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  /** A token signed by Mandate's own key for Docs, well formed in every way but expired. */
  async function expiredToken(): Promise<string> {
    const signer = await ctx.keys.signer();
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ client_id: agent.clientId, sid: "expired-session", scope: "docs.read" })
      .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: "at+jwt" })
      .setIssuer(issuer)
      .setAudience(`${issuer}/mcp/docs`)
      .setSubject(agent.clientId)
      .setJti(randomUUID())
      .setIssuedAt(now - 600)
      .setExpirationTime(now - 300)
      .sign(signer.key);
  }

  async function auditOf(action: "tool.called" | "tool.call_refused") {
    await gateway.audit.flush();
    return db.auditEvent.findMany({ where: { action }, orderBy: { seq: "asc" } });
  }

  /** One HTTP exchange the SDK client made (discovery, token, MCP). */
  interface Seen {
    method: string;
    path: string;
    status: number;
    wwwAuthenticate: string | null;
  }

  /**
   * An MCP SDK client that starts with no token and no knowledge of Mandate:
   * its first request is challenged (401 + resource_metadata), and the SDK's
   * own PrivateKeyJwtProvider discovers the authorization server through the
   * server's RFC 9728 metadata and Mandate's RFC 8414 metadata, then mints
   * with client_credentials and a signed client assertion.
   */
  async function sdkClient(
    slug: string,
    scope: string,
  ): Promise<{
    client: Client;
    transport: StreamableHTTPClientTransport;
    provider: PrivateKeyJwtProvider;
    seen: Seen[];
  }> {
    const seen: Seen[] = [];
    const recording: FetchLike = async (url, init) => {
      const r = await fetch(url, init);
      seen.push({
        method: init?.method ?? "GET",
        path: new URL(String(url)).pathname,
        status: r.status,
        wwwAuthenticate: r.headers.get("www-authenticate"),
      });
      return r;
    };
    const provider = new PrivateKeyJwtProvider({
      clientId: agent.clientId,
      privateKey: agent.jwk,
      algorithm: "ES256",
      scope,
      expectedIssuer: issuer,
    });
    const transport = new StreamableHTTPClientTransport(new URL(`${issuer}/mcp/${slug}`), {
      authProvider: provider,
      fetch: recording,
    });
    const c = new Client({ name: "gateway-test-agent", version: "1.0.0" });
    await c.connect(transport);
    return { client: c, transport, provider, seen };
  }

  /** The claims of the access token an SDK provider holds. */
  function claimsOf(provider: PrivateKeyJwtProvider): { sid: string; jti: string; aud: string; scope: string } {
    const token = provider.tokens()?.access_token;
    if (!token) throw new Error("the SDK provider holds no token");
    return decodeJwt(token) as unknown as { sid: string; jti: string; aud: string; scope: string };
  }

  /** Every tools/call the upstream received, by tool name. */
  const upstreamCalls = (s: McpTestServer, tool: string) =>
    s.messages.filter(
      (m) =>
        (m as { method?: string; params?: { name?: string } }).method === "tools/call" &&
        (m as { params?: { name?: string } }).params?.name === tool,
    ).length;

  // ───────────── discovery

  it("publishes RFC 9728 metadata for each gateway server and challenges unauthenticated callers towards it", async () => {
    const prm = await fetch(`${issuer}/.well-known/oauth-protected-resource/mcp/docs`);
    expect(prm.status).toBe(200);
    expect(await prm.json()).toMatchObject({
      resource: `${issuer}/mcp/docs`,
      authorization_servers: [issuer],
      scopes_supported: ["docs.admin", "docs.read", "docs.write"],
      bearer_methods_supported: ["header"],
    });
    expect((await fetch(`${issuer}/.well-known/oauth-protected-resource/mcp/nope`)).status).toBe(404);

    // Mandate's RFC 8414 metadata, as MCP clients read it: the authorization code flow, for interactive clients.
    const asMeta = (await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json()) as Record<
      string,
      unknown
    >;
    expect(asMeta).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/oauth/authorize`,
      response_types_supported: ["code"],
      code_challenge_methods_supported: ["S256"],
    });
    const authorize = await fetch(
      `${issuer}/oauth/authorize?response_type=code&client_id=${agent.clientId}&redirect_uri=${encodeURIComponent("https://evil.example/cb")}`,
      { redirect: "manual" },
    );
    // Never a redirect to an unregistered URI (RFC 6749 §4.1.2.1); an autonomous agent is no interactive client.
    expect(authorize.status).toBe(400);
    expect(authorize.headers.get("location")).toBeNull();
    expect(await authorize.text()).toContain("unauthorized_client");

    const before = docs.requests.length;
    const r = await post("docs", call("read_doc"));
    expect(r.status).toBe(401);
    expect(r.headers.get("www-authenticate")).toBe(
      `Bearer resource_metadata="${issuer}/.well-known/oauth-protected-resource/mcp/docs"`,
    );
    expect(docs.requests.length).toBe(before);
  });

  // ───────────── the SDK client, end to end

  it("lets the MCP SDK client discover Mandate through the resource metadata, mint with private_key_jwt, list only its tools and call one", async () => {
    const { client: c, provider, seen } = await sdkClient("docs", "docs.read");
    try {
      // The discovery path the SDK took: challenged, then RFC 9728, then RFC 8414, then the token endpoint.
      const first = seen[0]!;
      expect(first).toMatchObject({ method: "POST", path: "/mcp/docs", status: 401 });
      expect(first.wwwAuthenticate).toContain(
        `resource_metadata="${issuer}/.well-known/oauth-protected-resource/mcp/docs"`,
      );
      const paths = seen.map((s) => `${s.status} ${s.path}`);
      const at = (p: string) => paths.indexOf(p);
      expect(at("200 /.well-known/oauth-protected-resource/mcp/docs")).toBeGreaterThan(0);
      expect(at("200 /.well-known/oauth-authorization-server")).toBeGreaterThan(
        at("200 /.well-known/oauth-protected-resource/mcp/docs"),
      );
      expect(at("200 /oauth/token")).toBeGreaterThan(at("200 /.well-known/oauth-authorization-server"));
      expect(claimsOf(provider)).toMatchObject({ aud: `${issuer}/mcp/docs`, scope: "docs.read" });

      const listed = await c.listTools();
      // Upstream offers five; write_doc is out of scope, admin_doc not granted, pending_tool unapproved, unlisted_tool unknown.
      expect(listed.tools.map((t) => t.name)).toEqual(["read_doc"]);
      const before = upstreamCalls(docs, "read_doc");
      const result = await c.callTool({ name: "read_doc", arguments: { id: "d1" } });
      expect(result.content).toEqual([{ type: "text", text: "read_doc called" }]);
      expect(upstreamCalls(docs, "read_doc")).toBe(before + 1);
    } finally {
      await c.close();
    }
    // No token passthrough: the upstream only ever saw the server's own credential.
    expect(new Set(docs.authorizations)).toEqual(new Set([`Bearer ${DOCS_SECRET}`]));
  });

  it("refuses the SDK client's out-of-scope call with 403 insufficient_scope and never forwards it", async () => {
    const { client: c, seen } = await sdkClient("docs", "docs.read");
    try {
      const before = {
        write: upstreamCalls(docs, "write_doc"),
        admin: upstreamCalls(docs, "admin_doc"),
        messages: docs.messages.length,
      };
      // The SDK answers insufficient_scope by re-authorising once (its provider's scope is fixed), then gives up.
      const refused = await c.callTool({ name: "write_doc", arguments: { id: "d1" } }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(StreamableHTTPError);
      expect((refused as StreamableHTTPError).code).toBe(403);
      const challenges = seen.filter((s) => s.status === 403).map((s) => s.wwwAuthenticate);
      expect(challenges.length).toBeGreaterThanOrEqual(1);
      expect(challenges[0]).toContain('error="insufficient_scope"');
      expect(challenges[0]).toContain('scope="docs.write"');
      await expect(c.callTool({ name: "admin_doc", arguments: {} })).rejects.toBeInstanceOf(StreamableHTTPError);
      // The upstream never saw either call, nor any message at all for them.
      expect(upstreamCalls(docs, "write_doc")).toBe(before.write);
      expect(upstreamCalls(docs, "admin_doc")).toBe(before.admin);
      expect(docs.messages.length).toBe(before.messages);
      // Still usable for what it may do.
      expect((await c.callTool({ name: "read_doc", arguments: {} })).content).toEqual([
        { type: "text", text: "read_doc called" },
      ]);
    } finally {
      await c.close();
    }
  });

  it("refuses the SDK client's next call once its session is revoked; the call only goes through on a new session", async () => {
    const { client: c, provider, seen } = await sdkClient("docs", "docs.read");
    try {
      await c.callTool({ name: "read_doc", arguments: {} });
      const old = claimsOf(provider);
      await db.agentSession.update({
        where: { id: old.sid },
        data: { status: "revoked", revokedAt: new Date(), revokedReason: "test" },
      });
      revocationBus.onRevoked(old.sid);
      const before = upstreamCalls(docs, "read_doc");
      const seenBefore = seen.length;
      // The SDK sees 401 invalid_token, re-authorises (a new session: the old one is revoked) and retries once.
      await c.callTool({ name: "read_doc", arguments: {} });
      const after = seen.slice(seenBefore);
      expect(after[0]).toMatchObject({ method: "POST", path: "/mcp/docs", status: 401 });
      expect(after[0]!.wwwAuthenticate).toContain('error_description="session revoked"');
      expect(claimsOf(provider).sid).not.toBe(old.sid);
      // Exactly one call reached the upstream: the retry on the new session, not the refused one.
      expect(upstreamCalls(docs, "read_doc")).toBe(before + 1);
      const refused = await auditOf("tool.call_refused");
      expect(refused.some((e) => e.sessionId === old.sid && e.reason === "session revoked")).toBe(true);
    } finally {
      await c.close();
    }
  });

  it("refuses a token revoked outside the revocation path (its row changed by hand) from the poll's next read", async () => {
    const { token, jti } = await mint("docs", "docs.read");
    const allowed = await post("docs", call("read_doc", {}), bearer(token));
    expect(allowed.status).toBe(200);
    await allowed.text();
    // Only the row changes: no bus message and no revocation log entry, so the poll's revokedAt read must find it.
    await db.issuedToken.update({ where: { jti }, data: { revokedAt: new Date() } });
    // A call still in flight when the gateway learns of the revocation is cut (its connection ends): not an answer.
    const attempt = () =>
      post("docs", call("read_doc", {}), bearer(token)).then(
        async (r) => ({ status: r.status, challenge: r.headers.get("www-authenticate"), body: await r.text() }),
        () => ({ status: 0, challenge: null, body: "" }),
      );
    const deadline = Date.now() + 2_000;
    let answer = await attempt();
    while (answer.status !== 401 && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 25));
      answer = await attempt();
    }
    expect(answer.status).toBe(401);
    expect(answer.challenge).toContain('error_description="token revoked"');
  });

  it("streams the SDK client's SSE tool call: its progress arrives while the upstream tool is still running", async () => {
    const { client: c } = await sdkClient("live", "live.watch");
    try {
      let progressed!: () => void;
      const progress = new Promise<void>((r) => (progressed = r));
      let settled = false;
      const result = c
        .callTool({ name: "watch", arguments: { topic: "deploys" } }, undefined, { onprogress: () => progressed() })
        .finally(() => (settled = true));
      await progress;
      // The upstream handler is still blocked on `release`: the event was relayed before the response ended.
      expect(settled).toBe(false);
      release();
      expect((await result).content).toEqual([{ type: "text", text: "watch done" }]);
    } finally {
      await c.close();
    }
  });

  // ───────────── scope enforcement

  it("refuses out-of-scope, ungranted, unapproved and unknown tools with 403 insufficient_scope, before the upstream", async () => {
    const { token } = await mint("docs", "docs.read");
    const callsBefore = docs.calls.length;
    const requestsBefore = docs.requests.length;
    const r = await post("docs", call("write_doc", { id: "d1", note: "secret note" }), bearer(token));
    expect(r.status).toBe(403);
    expect(r.headers.get("www-authenticate")).toBe(
      `Bearer error="insufficient_scope", error_description="insufficient_scope: write_doc requires docs.write", scope="docs.write", resource_metadata="${issuer}/.well-known/oauth-protected-resource/mcp/docs"`,
    );
    expect((await r.json()) as unknown).toMatchObject({ jsonrpc: "2.0", error: { code: -32003 } });
    for (const name of ["admin_doc", "pending_tool", "unlisted_tool"]) {
      const refused = await post("docs", call(name), bearer(token));
      expect(refused.status, name).toBe(403);
      expect(refused.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
    }
    expect(docs.calls.length).toBe(callsBefore);
    expect(docs.requests.length).toBe(requestsBefore);

    const allowed = await post("docs", call("read_doc", { id: "d1" }), bearer(token));
    expect(allowed.status).toBe(200);
    expect(docs.calls.at(-1)).toBe("read_doc");
  });

  it("passes everything that is not a tool call through unchanged (initialize, ping, notifications)", async () => {
    const { token } = await mint("docs", "docs.read");
    const init = await post(
      "docs",
      {
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
      },
      bearer(token),
    );
    expect(init.status).toBe(200);
    expect(((await init.json()) as { result: { serverInfo: { name: string } } }).result.serverInfo.name).toBe(
      "mandate-test-server",
    );
    const ping = await post("docs", { jsonrpc: "2.0", id: 2, method: "ping" }, bearer(token));
    expect(await ping.json()).toEqual({ jsonrpc: "2.0", id: 2, result: {} });
    const note = await post("docs", { jsonrpc: "2.0", method: "notifications/initialized" }, bearer(token));
    expect(note.status).toBe(202);
    // MCP headers reach the upstream; the client's token and hop-by-hop headers do not.
    const seen = docs.requests.at(-1) ?? {};
    expect(seen["mcp-protocol-version"]).toBe("2025-06-18");
    expect(seen.authorization).toBe(`Bearer ${DOCS_SECRET}`);
  });

  it("passes cancellation, responses to server requests, resources and prompts through unchanged", async () => {
    const { token } = await mint("docs", "docs.read");
    const forwarded = async (message: Record<string, unknown>, status: number) => {
      const r = await post("docs", message, bearer(token));
      expect(r.status, String(message.method ?? "response")).toBe(status);
      // The upstream received the very message the client sent.
      expect(docs.messages.at(-1)).toEqual(message);
      return r;
    };
    await forwarded(
      { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 7, reason: "user gave up" } },
      202,
    );
    await forwarded(
      { jsonrpc: "2.0", method: "notifications/progress", params: { progressToken: "p", progress: 1 } },
      202,
    );
    // A client's answer to a server request (sampling, elicitation) has no method.
    await forwarded({ jsonrpc: "2.0", id: "server-req-1", result: { action: "decline" } }, 202);
    // What the upstream answers, the client gets — byte for byte the JSON a direct call returns.
    for (const method of ["resources/list", "prompts/list"]) {
      const message = { jsonrpc: "2.0", id: 40, method, params: {} };
      const via = await forwarded(message, 200);
      const direct = await fetch(docs.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          "mcp-protocol-version": "2025-06-18",
          authorization: `Bearer ${DOCS_SECRET}`,
        },
        body: JSON.stringify(message),
      });
      expect(await via.json(), method).toEqual(await direct.json());
    }
  });

  it("passes MCP sessions through: Mcp-Session-Id on every request, the GET stream and the DELETE that ends it", async () => {
    const { client: c, transport } = await sdkClient("notes", "notes.write");
    await c.callTool({ name: "take_note", arguments: { note: "hello" } });
    // The client holds the upstream's session id bound to its own agent session (tests/db/gateway-one-message.test.ts).
    expect(transport.sessionId).toMatch(/^m1\./);
    const sid = notes.requests.find((h) => typeof h["mcp-session-id"] === "string")?.["mcp-session-id"];
    expect(sid).toBeTruthy();
    const saw = (method: string) => notes.requests.some((h) => h[":method"] === method && h["mcp-session-id"] === sid);
    // The SDK opens its GET stream in the background after initialization.
    for (let i = 0; i < 40 && !saw("GET"); i++) await new Promise((r) => setTimeout(r, 25));
    expect(saw("GET")).toBe(true);
    await transport.terminateSession();
    await c.close();
    expect(saw("DELETE")).toBe(true);
    expect(
      notes.requests.filter((h) => h[":method"] === "POST" && h["mcp-session-id"] === sid).length,
    ).toBeGreaterThanOrEqual(2);
    // No credential configured for Notes: the upstream gets no Authorization at all, never the client's.
    expect(notes.authorizations.every((a) => a === undefined)).toBe(true);
  });

  // ───────────── refusals before forwarding

  it("refuses malformed JSON, batches, non-JSON-RPC bodies and oversized bodies without forwarding", async () => {
    const { token } = await mint("docs", "docs.read");
    const before = docs.requests.length;
    const bad = await post("docs", "{not json", bearer(token));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: number } }).error.code).toBe(-32700);
    const batch = await post("docs", [call("read_doc"), call("read_doc")], bearer(token));
    expect(batch.status).toBe(400);
    expect(((await batch.json()) as { error: { code: number } }).error.code).toBe(-32600);
    const notRpc = await post("docs", { hello: "world" }, bearer(token));
    expect(notRpc.status).toBe(400);
    const big = await post(
      "docs",
      {
        jsonrpc: "2.0",
        id: 9,
        method: "tools/call",
        params: { name: "read_doc", arguments: { note: "x".repeat(1024 * 1024) } },
      },
      bearer(token),
    );
    expect(big.status).toBe(413);
    expect(docs.requests.length).toBe(before);
  });

  it("refuses a chunked oversized body (no Content-Length) with 413 without forwarding", async () => {
    const { token } = await mint("docs", "docs.read");
    const before = docs.requests.length;
    const url = new URL(`${issuer}/mcp/docs`);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        url,
        {
          method: "POST",
          headers: {
            authorization: `Bearer ${token}`,
            "content-type": "application/json",
            accept: "application/json, text/event-stream",
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      const chunk = Buffer.alloc(64 * 1024, "x");
      req.write('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"read_doc","arguments":{"note":"');
      // 17 × 64 KiB > 1 MiB; the gateway may answer (and close) before the client finishes.
      const writeMore = (n: number) => (n === 0 ? req.end('"}}}') : req.write(chunk, () => writeMore(n - 1)));
      writeMore(17);
    });
    expect(status).toBe(413);
    expect(docs.requests.length).toBe(before);
  });

  it("refuses an unauthenticated GET stream or DELETE with 401, without forwarding", async () => {
    const before = notes.requests.length;
    for (const method of ["GET", "DELETE"]) {
      const r = await fetch(`${issuer}/mcp/notes`, {
        method,
        headers: { accept: "text/event-stream", "mcp-session-id": "guessed-session" },
      });
      expect(r.status, method).toBe(401);
      expect(r.headers.get("www-authenticate"), method).toBe(
        `Bearer resource_metadata="${issuer}/.well-known/oauth-protected-resource/mcp/notes"`,
      );
    }
    expect(notes.requests.length).toBe(before);
  });

  it("refuses missing, garbled, foreign-audience and forged tokens with 401 invalid_token", async () => {
    const { token: liveToken } = await mint("live", "live.watch");
    const { token } = await mint("docs", "docs.read");
    const before = docs.requests.length;
    const cases: [string, Record<string, string>][] = [
      ["garbled", { authorization: "Bearer" }],
      ["basic", { authorization: "Basic dXNlcjpwYXNz" }],
      ["not a jwt", bearer("abc.def.ghi")],
      ["another server's token", bearer(liveToken)],
      ["forged signature", bearer(`${token.slice(0, -4)}AAAA`)],
      ["expired", bearer(await expiredToken())],
    ];
    for (const [what, headers] of cases) {
      const r = await post("docs", call("read_doc"), headers);
      expect(r.status, what).toBe(401);
      expect(r.headers.get("www-authenticate"), what).toMatch(/^Bearer error="invalid_token", .*resource_metadata="/);
    }
    expect(docs.requests.length).toBe(before);
  });

  // ───────────── revocation

  it("refuses a session revoked in the store on its next call (poll), and one announced on the bus at once", async () => {
    const a = await mint("docs", "docs.read");
    expect((await post("docs", call("read_doc"), bearer(a.token))).status).toBe(200);
    await db.agentSession.update({
      where: { id: a.sid },
      data: { status: "revoked", revokedAt: new Date(), revokedReason: "test" },
    });
    let status = 200;
    for (let i = 0; i < 40 && status !== 401; i++) {
      await new Promise((r) => setTimeout(r, 25));
      // A call in flight when the poll sees the revocation is cut (its stream is closed, by design): poll again.
      status = await post("docs", call("read_doc"), bearer(a.token)).then(
        (r) => r.status,
        (e: unknown) => {
          if ((e as { cause?: { code?: string } }).cause?.code === "UND_ERR_SOCKET") return 0;
          throw e;
        },
      );
    }
    expect(status).toBe(401);

    // A new session (the previous one is revoked), revoked through the in-process bus: no wait.
    const b = await mint("docs", "docs.read");
    expect(b.sid).not.toBe(a.sid);
    expect((await post("docs", call("read_doc"), bearer(b.token))).status).toBe(200);
    const before = docs.calls.length;
    // As the console does: commit, then announce; the next request comes before any poll could see it.
    await db.agentSession.update({
      where: { id: b.sid },
      data: { status: "revoked", revokedAt: new Date(), revokedReason: "test" },
    });
    revocationBus.onRevoked(b.sid);
    const r = await post("docs", call("read_doc"), bearer(b.token));
    expect(r.status).toBe(401);
    expect(r.headers.get("www-authenticate")).toContain('error_description="session revoked"');
    expect(docs.calls.length).toBe(before);
    const refused = await auditOf("tool.call_refused");
    expect(refused.some((e) => e.sessionId === b.sid && e.reason === "session revoked")).toBe(true);
  });

  // ───────────── streaming

  it("streams an SSE response: the first event arrives before the tool has finished", async () => {
    const { token } = await mint("live", "live.watch");
    const r = await post(
      "live",
      {
        ...call("watch", { topic: "deploys" }),
        params: { name: "watch", arguments: { topic: "deploys" }, _meta: { progressToken: "p1" } },
      },
      bearer(token),
    );
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toContain("text/event-stream");
    const reader = r.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes("notifications/progress")) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
    expect(text).toContain("notifications/progress");
    expect(text).not.toContain("watch done"); // still held upstream
    release();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      text += decoder.decode(chunk.value, { stream: true });
    expect(text).toContain("watch done");
  });

  it("ends a stream still being relayed when its session is revoked", async () => {
    const { token, sid } = await mint("live", "live.watch");
    const r = await post("live", call("watch", { topic: "long" }), bearer(token));
    expect(r.status).toBe(200);
    const reader = r.body!.getReader();
    await reader.read(); // the first event: the stream is open
    expect(gateway.streams.size).toBe(1);
    await db.agentSession.update({
      where: { id: sid },
      data: { status: "revoked", revokedAt: new Date(), revokedReason: "test" },
    });
    revocationBus.onRevoked(sid);
    // The gateway cuts the stream: the reader ends (or errors) without the tool's answer.
    let rest = "";
    try {
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
        rest += new TextDecoder().decode(chunk.value);
    } catch {
      // a cut connection surfaces as an error on some runtimes
    }
    expect(rest).not.toContain("watch done");
    expect(gateway.streams.size).toBe(0);
    release();
  });

  it("filters an SSE tools/list answer and lets the SDK client work over SSE", async () => {
    const { client: c } = await sdkClient("live", "live.watch");
    try {
      expect((await c.listTools()).tools.map((t) => t.name)).toEqual(["watch"]);
    } finally {
      await c.close();
    }
  });

  // ───────────── audit

  it("audits every tool call, allowed and refused, with agent, session, server, tool and decision (refusals with latency); arguments per server setting", async () => {
    const { token, sid, jti } = await mint("docs", "docs.read");
    const sessionBefore = await db.agentSession.findUniqueOrThrow({ where: { id: sid } });
    const args = { id: "d42", note: "private" };
    expect((await post("docs", call("read_doc", args), bearer(token))).status).toBe(200);
    expect((await post("docs", call("write_doc", args), bearer(token))).status).toBe(403);
    // This token's events (a session, and so its id, is shared by the agent's successive tokens).
    const ofToken = (e: { detail: unknown }) => (e.detail as { jti?: string }).jti === jti;
    const called = (await auditOf("tool.called")).filter(ofToken);
    const refused = (await auditOf("tool.call_refused")).filter(ofToken);
    expect(called[0]?.sessionId).toBe(sid);
    expect(called).toHaveLength(1);
    expect(refused).toHaveLength(1);
    // The agent by its id and name, as every other event names it; the agent, person and server ids beside the tool.
    expect(called[0]).toMatchObject({
      actorType: "agent",
      actorId: ids.agent,
      actorLabel: "Gateway agent",
      targetType: "tool",
      targetId: ids.readDoc,
      decision: "allow",
    });
    expect(called[0]).toMatchObject({ agentId: ids.agent, serverId: ids.docs, personId: null });
    const detail = called[0]!.detail as Record<string, unknown>;
    expect(detail).toMatchObject({ server: ids.docs, tool: "read_doc", clientId: agent.clientId });
    // Written before the call was forwarded: the upstream's answer is not part of it.
    expect(detail).not.toHaveProperty("upstreamStatus");
    expect(typeof (refused[0]!.detail as Record<string, unknown>).latencyMs).toBe("number");
    // argumentLogging "hash" on Docs: an HMAC of the canonical JSON under the server's key, never the values.
    expect(detail.argumentsHmacSha256).toBe(
      createHmac("sha256", argumentHashKey()).update(canonicalJson(args)).digest("hex"),
    );
    expect(detail).not.toHaveProperty("argumentsSha256");
    expect(JSON.stringify(detail)).not.toContain("private");
    expect(refused[0]).toMatchObject({ decision: "deny", reason: "insufficient_scope: write_doc requires docs.write" });
    expect(refused[0]!.detail).toMatchObject({ tool: "write_doc", upstreamStatus: null, requiredScope: "docs.write" });

    // argumentLogging "redacted" on Live: keys kept, values replaced.
    const liveToken = await mint("live", "live.watch");
    const pending = post("live", call("watch", { topic: "payroll" }), bearer(liveToken.token));
    await new Promise((r) => setTimeout(r, 100));
    release();
    expect((await pending).status).toBe(200);
    const liveCalled = (await auditOf("tool.called")).filter((e) => e.sessionId === liveToken.sid);
    expect(liveCalled.at(-1)!.detail).toMatchObject({ arguments: { topic: "[redacted]" } });

    // Session usage is kept, in batches.
    const session = await db.agentSession.findUniqueOrThrow({ where: { id: sid } });
    expect(session.toolCallCount).toBe(sessionBefore.toolCallCount + 1);
    expect(session.lastUsedAt.getTime()).toBeGreaterThanOrEqual(sessionBefore.lastUsedAt.getTime());
    expect((await verifyAuditChain(db)).firstBroken).toBeNull();
  });

  // ───────────── fail closed

  it("fails closed with 503 and Retry-After when the revocation state is stale, without waiting on the store, and recovers when it refreshes", async () => {
    const { token, sid } = await mint("docs", "docs.read");
    const refusedBefore = (await auditOf("tool.call_refused")).filter((e) => e.sessionId === sid).length;
    gateway.revocations.stop();
    await new Promise((r) => setTimeout(r, STALE_AFTER_MS + 100));
    const before = docs.requests.length;
    const r = await post("docs", call("read_doc"), bearer(token));
    expect(r.status).toBe(503);
    expect(r.headers.get("retry-after")).toBe("1");
    expect(((await r.json()) as { error: { code: number } }).error.code).toBe(-32004);
    expect(docs.requests.length).toBe(before);
    // Stale means the store has not answered: the refusal is not recorded (README, "Database outage").
    expect((await auditOf("tool.call_refused")).filter((e) => e.sessionId === sid)).toHaveLength(refusedBefore);
    await gateway.revocations.start();
    expect((await post("docs", call("read_doc"), bearer(token))).status).toBe(200);
  });
});
