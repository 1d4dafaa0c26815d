import { createHash, randomBytes } from "node:crypto";
import { request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { createMcpExpressApp } from "@modelcontextprotocol/sdk/server/express.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Principal } from "@/lib/auth/principal";
import { createDb, type Db } from "@/lib/db/client";
import { Gateway } from "@/lib/gateway/gateway";
import type { OAuthContext } from "@/lib/oauth/context";
import { createOAuthContext } from "@/lib/oauth/create-context";
import { decideTool } from "@/lib/servers/decide-tool";
import { syncTools } from "@/lib/servers/sync-tools";
import { sealUpstreamCredential } from "@/lib/servers/upstream-credential";
import { createProtocolServer } from "@/server/protocol-server";
import { freshDatabase, PROVIDERS, type FreshDatabase } from "../support/databases";
import { startMcpTestServer, type McpTestServer } from "../support/mcp-test-server";

process.env.MANDATE_MASTER_KEY ??= randomBytes(32).toString("base64url");

const REPOS_SECRET = "upstream-repos-" + randomBytes(8).toString("hex");
const ALLOWED_ORIGIN = "https://agents.acme.example";
const admin: Principal = { kind: "system", label: "gateway-one-message test", roles: ["admin"] };

/**
 * An upstream exactly as the MCP SDK's own documentation builds one:
 * `createMcpExpressApp()` (express.json(), which decodes a body in whatever
 * charset its Content-Type names, and inflates gzip) in front of a stateless
 * StreamableHTTPServerTransport. It records what it executed.
 */
async function startExpressUpstream(): Promise<{
  url: string;
  calls: string[];
  headers: IncomingMessage["headers"][];
  close(): Promise<void>;
}> {
  const calls: string[] = [];
  const headers: IncomingMessage["headers"][] = [];
  const app = createMcpExpressApp();
  app.post("/mcp", async (req: IncomingMessage & { body?: unknown }, res: ServerResponse) => {
    headers.push(req.headers);
    if (req.headers.authorization !== `Bearer ${REPOS_SECRET}`) {
      res.writeHead(401).end();
      return;
    }
    const mcp = new McpServer({ name: "repos-upstream", version: "1.0.0" });
    for (const name of ["read_issues", "delete_repo"]) {
      mcp.registerTool(
        name,
        { description: `${name} on a repository`, inputSchema: { repo: z.string().optional() } },
        async () => {
          calls.push(name);
          return { content: [{ type: "text", text: `${name} executed` }] };
        },
      );
    }
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on("close", () => void transport.close().then(() => mcp.close()));
    await mcp.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });
  const http: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
    calls,
    headers,
    close: () => new Promise<void>((r) => (http.closeAllConnections(), http.close(() => r()))),
  };
}

/**
 * The gateway forwards exactly the message it decided on (issue #19 item 3),
 * and an MCP session belongs to the agent session that opened it (item 7):
 * real HTTP, an SDK Express upstream, the SDK client, on both stores.
 */
describe.each(PROVIDERS)("gateway: one message, one owner per MCP session, on %s", (provider) => {
  let fresh: FreshDatabase;
  let db: Db;
  let ctx: OAuthContext;
  let gateway: Gateway;
  let server: Server;
  let issuer: string;
  let repos: Awaited<ReturnType<typeof startExpressUpstream>>;
  let notes: McpTestServer;
  const agents = { reader: { clientId: "agent-reader", secret: "" }, other: { clientId: "agent-other", secret: "" } };

  beforeAll(async () => {
    fresh = await freshDatabase(provider);
    db = createDb(fresh.config);
    ctx = createOAuthContext(db, { issuer: "http://placeholder" });
    gateway = new Gateway(ctx, {
      revocationPollMs: 50,
      revocationStaleAfterMs: 5_000,
      directoryTtlMs: 60_000,
      allowedOrigins: new Set([ALLOWED_ORIGIN]),
    });
    server = createProtocolServer(ctx, { gateway });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    Object.assign(ctx, { issuer });

    repos = await startExpressUpstream();
    notes = await startMcpTestServer({
      stateful: true,
      tools: [{ name: "take_note", description: "Take a note", input: { note: z.string().optional() } }],
    });

    // Registered, synced and approved the way an admin does it.
    const reposRow = await db.mcpServer.create({
      data: {
        name: "Repos",
        slug: "repos",
        resourceUri: `${issuer}/mcp/repos`,
        enforcementMode: "gateway",
        upstreamUrl: repos.url,
        authorizationServerIssuer: issuer,
      },
    });
    await db.mcpServer.update({
      where: { id: reposRow.id },
      data: { upstreamCredentialEnc: sealUpstreamCredential(reposRow.id, REPOS_SECRET) },
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
    for (const row of [reposRow, notesRow]) {
      await syncTools(db, admin, row.id);
      for (const t of await db.tool.findMany({ where: { serverId: row.id } }))
        await decideTool(db, admin, "approve", { toolId: t.id });
    }
    const tool = (serverId: string, name: string) => db.tool.findFirstOrThrow({ where: { serverId, name } });
    const readIssues = await tool(reposRow.id, "read_issues");
    const takeNote = await tool(notesRow.id, "take_note");
    const repoRead = await db.entitlement.create({
      data: { name: "repos-read", serverId: reposRow.id, tools: { create: [{ toolId: readIssues.id }] } },
    });
    const notesWrite = await db.entitlement.create({
      data: { name: "notes", serverId: notesRow.id, tools: { create: [{ toolId: takeNote.id }] } },
    });

    for (const a of Object.values(agents)) {
      a.secret = randomBytes(16).toString("hex");
      const row = await db.agent.create({
        data: {
          clientId: a.clientId,
          name: a.clientId,
          kind: "autonomous",
          authMethod: "client_secret_basic",
          clientSecretHash: createHash("sha256").update(a.secret).digest("hex"),
          allowedGrantTypes: "client_credentials",
        },
      });
      for (const e of [repoRead, notesWrite])
        await db.assignment.create({
          data: { entitlementId: e.id, principalType: "agent", agentId: row.id, justification: "test" },
        });
    }
    await gateway.start();
  });

  afterAll(async () => {
    await gateway?.stop();
    await new Promise<void>((r) => (server ? (server.closeAllConnections(), server.close(() => r())) : r()));
    await repos?.close();
    await notes?.close();
    await db?.$disconnect();
    await fresh?.drop();
  });

  // ───────────── helpers

  async function mint(agent: { clientId: string; secret: string }, slug: string): Promise<string> {
    const r = await fetch(`${issuer}/oauth/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${agent.clientId}:${agent.secret}`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ grant_type: "client_credentials", resource: `${issuer}/mcp/${slug}` }),
    });
    expect(r.status).toBe(200);
    return ((await r.json()) as { access_token: string }).access_token;
  }

  /** Raw bytes to the gateway, exactly as given (fetch would re-encode a string body). */
  function send(
    slug: string,
    body: Buffer | string,
    headers: Record<string, string>,
    method = "POST",
  ): Promise<{ status: number; headers: IncomingMessage["headers"]; text: string }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        `${issuer}/mcp/${slug}`,
        { method, headers: { accept: "application/json, text/event-stream", ...headers } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: Buffer.concat(chunks).toString("utf8"),
            }),
          );
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  }

  const json = (token: string, extra: Record<string, string> = {}) => ({
    authorization: `Bearer ${token}`,
    "content-type": "application/json",
    ...extra,
  });
  const toolsCall = (name: string) =>
    JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: {} } });

  /**
   * One body, two messages. As UTF-8 it is `visible`, with a string in
   * `params._meta.k`. As UTF-7 each `+ACI-` is a quote: the string closes
   * early and a second `method` and `params` (tools/call delete_repo) follow,
   * which JSON.parse keeps — a message the SDK's schema accepts.
   */
  function utf7Smuggle(visible: {
    jsonrpc: "2.0";
    id: number;
    method: string;
    params?: Record<string, unknown>;
  }): Buffer {
    const hidden = `"}},"method":"tools/call","params":{"name":"delete_repo","arguments":{},"_meta":{"k":"`;
    const text = JSON.stringify({ ...visible, params: { ...visible.params, _meta: { k: "PLACEHOLDER" } } }).replace(
      "PLACEHOLDER",
      hidden.replaceAll('"', "+ACI-"),
    );
    expect(text.endsWith('"}}}')).toBe(true);
    const body = Buffer.from(text, "utf8");
    // As UTF-8 it is the visible message (the upstream's UTF-7 reading is shown by the test below).
    expect((JSON.parse(body.toString("utf8")) as { method: string }).method).toBe(visible.method);
    return body;
  }

  // ───────────── item 3: one message

  it("refuses the charset=utf-7 smuggle that made the SDK's Express upstream run delete_repo, and never forwards it", async () => {
    const token = await mint(agents.reader, "repos");
    const listSmuggle = utf7Smuggle({ jsonrpc: "2.0", id: 1, method: "tools/list" });
    const callSmuggle = utf7Smuggle({
      jsonrpc: "2.0",
      id: 2,
      method: "tools/call",
      params: { name: "read_issues", arguments: {} },
    });

    // The upstream really is vulnerable: sent to it directly, the tools/list body runs delete_repo.
    const direct = await fetch(repos.url, {
      method: "POST",
      headers: {
        authorization: `Bearer ${REPOS_SECRET}`,
        "content-type": "application/json; charset=utf-7",
        accept: "application/json, text/event-stream",
      },
      body: new Uint8Array(listSmuggle),
    });
    expect(direct.status).toBe(200);
    expect(repos.calls).toEqual(["delete_repo"]);
    repos.calls.length = 0;
    const forwardedBefore = repos.headers.length;

    for (const body of [listSmuggle, callSmuggle]) {
      for (const type of [
        "application/json; charset=utf-7",
        "application/json;charset=UTF-7",
        'application/json; charset="utf-16le"',
        "text/plain",
        "application/json; charset=utf-8; x=1",
      ]) {
        const r = await send("repos", body, json(token, { "content-type": type }));
        expect(r.status, type).toBe(415);
        expect(JSON.parse(r.text)).toMatchObject({ jsonrpc: "2.0", error: { code: -32600 } });
      }
      const none = await send("repos", body, { authorization: `Bearer ${token}` });
      expect(none.status).toBe(415);
    }
    expect(repos.calls).toEqual([]);
    expect(repos.headers.length).toBe(forwardedBefore);

    // As UTF-8 (the only reading left), the very same bytes are a plain tools/list and an allowed call.
    const list = await send("repos", listSmuggle, json(token, { "content-type": "Application/JSON; Charset=utf-8" }));
    expect(list.status).toBe(200);
    expect(repos.calls).toEqual([]);
    const allowed = await send("repos", callSmuggle, json(token));
    expect(allowed.status).toBe(200);
    expect(repos.calls).toEqual(["read_issues"]);
    // …because the upstream was told what the gateway parsed: UTF-8 JSON, nothing else.
    expect(repos.headers.at(-1)!["content-type"]).toBe("application/json");
  });

  it("refuses a BOM, invalid UTF-8, unpaired surrogates, duplicate members and case-variant member names, before the upstream", async () => {
    const token = await mint(agents.reader, "repos");
    const before = repos.headers.length;
    const refusals: [string, Buffer | string, number, number][] = [
      [
        "byte order mark",
        Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(toolsCall("read_issues"))]),
        400,
        -32700,
      ],
      [
        "invalid UTF-8",
        Buffer.concat([
          Buffer.from(
            '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"read_issues","arguments":{"q":"',
          ),
          Buffer.from([0xc3, 0x28]),
          Buffer.from('"}}}'),
        ]),
        400,
        -32700,
      ],
      [
        "unpaired surrogate",
        '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"read_issues","arguments":{"q":"\\ud800"}}}',
        400,
        -32700,
      ],
      // JSON.parse keeps the last params, a first-wins parser the first: two different tools.
      [
        "duplicate params",
        '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"delete_repo","arguments":{}},"params":{"name":"read_issues","arguments":{}}}',
        400,
        -32600,
      ],
      [
        "duplicate name",
        '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"delete_repo","name":"read_issues","arguments":{}}}',
        400,
        -32600,
      ],
      [
        "duplicate method, one escaped",
        '{"jsonrpc":"2.0","id":1,"method":"tools/call","\\u006dethod":"tools/list","params":{"name":"delete_repo","arguments":{}}}',
        400,
        -32600,
      ],
      [
        "duplicate argument",
        '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"read_issues","arguments":{"repo":"a","repo":"b"}}}',
        400,
        -32600,
      ],
      // A case-insensitive decoder (Go's encoding/json) reads "Method" as the method.
      [
        "Method",
        '{"jsonrpc":"2.0","id":1,"method":"tools/list","Method":"tools/call","params":{"name":"delete_repo","arguments":{}}}',
        400,
        -32600,
      ],
      [
        "PARAMS",
        '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"read_issues","arguments":{}},"PARAMS":{"name":"delete_repo"}}',
        400,
        -32600,
      ],
      [
        "Name in params",
        '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"read_issues","Name":"delete_repo","arguments":{}}}',
        400,
        -32600,
      ],
      ["ID", '{"jsonrpc":"2.0","ID":1,"method":"tools/list"}', 400, -32600],
      ["JSONRPC, long s", '{"jsonrpc":"2.0","id":1,"method":"tools/list","paramſ":{}}', 400, -32600],
    ];
    for (const [label, body, status, code] of refusals) {
      const r = await send("repos", body, json(token));
      expect(r.status, label).toBe(status);
      expect((JSON.parse(r.text) as { error: { code: number } }).error.code, label).toBe(code);
    }
    expect(repos.headers.length).toBe(before);
    expect(repos.calls).not.toContain("delete_repo");
  });

  it("refuses content-coded bodies (415) and a Mcp-Method / Mcp-Name that disagrees with the body (400 -32020)", async () => {
    const token = await mint(agents.reader, "repos");
    const before = repos.headers.length;
    for (const coding of ["gzip", "deflate", "identity, gzip"]) {
      const r = await send("repos", toolsCall("read_issues"), json(token, { "content-encoding": coding }));
      expect(r.status, coding).toBe(415);
      expect(r.headers["accept-encoding"]).toBe("identity");
    }
    const mismatches: Record<string, string>[] = [
      { "mcp-method": "tools/list" },
      { "mcp-method": "tools/call", "mcp-name": "delete_repo" },
      { "mcp-method": "tools/call", "mcp-name": `=?base64?${Buffer.from("delete_repo").toString("base64")}?=` },
      { "mcp-method": "tools/call", "mcp-name": "=?base64?not base64?=" },
    ];
    for (const headers of mismatches) {
      const r = await send("repos", toolsCall("read_issues"), json(token, headers));
      expect(r.status, JSON.stringify(headers)).toBe(400);
      expect(JSON.parse(r.text)).toMatchObject({ id: 1, error: { code: -32020 } });
    }
    expect(repos.headers.length).toBe(before);
    // Agreeing headers (plain and Base64 sentinel) pass, and reach the upstream as sent.
    const sentinel = `=?base64?${Buffer.from("read_issues").toString("base64")}?=`;
    const ok = await send(
      "repos",
      toolsCall("read_issues"),
      json(token, { "mcp-method": "tools/call", "mcp-name": sentinel, "mcp-protocol-version": "2025-06-18" }),
    );
    expect(ok.status).toBe(200);
    expect(repos.headers.at(-1)).toMatchObject({ "mcp-method": "tools/call", "mcp-name": sentinel });
  });

  it("sends the upstream only MCP's headers and its own forwarding headers, never the client's identity claims", async () => {
    const token = await mint(agents.reader, "repos");
    const spoofed = {
      "x-forwarded-for": "10.6.6.6",
      "x-forwarded-host": "evil.example",
      "x-forwarded-proto": "https",
      "x-forwarded-user": "root",
      "x-real-ip": "10.6.6.6",
      "true-client-ip": "10.6.6.6",
      forwarded: "for=10.6.6.6;host=evil.example",
      "x-remote-user": "root",
      "x-original-url": "/admin",
      "x-rewrite-url": "/admin",
      "x-http-method-override": "DELETE",
      "accept-charset": "utf-7",
      accept: "text/html",
      cookie: "session=stolen",
      "x-custom": "anything",
    };
    const r = await send(
      "repos",
      toolsCall("read_issues"),
      json(token, {
        ...spoofed,
        "mcp-protocol-version": "2025-06-18",
        traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      }),
    );
    expect(r.status).toBe(200);
    const seen = repos.headers.at(-1)!;
    for (const name of Object.keys(spoofed)) {
      if (["x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "accept"].includes(name)) continue;
      expect(seen[name], name).toBeUndefined();
    }
    // The gateway's own: the peer it audits, and its configured public origin.
    expect(seen["x-forwarded-for"]).toBe("127.0.0.1");
    expect(seen["x-forwarded-proto"]).toBe("http");
    expect(seen["x-forwarded-host"]).toBe(new URL(issuer).host);
    expect(seen.accept).toBe("application/json, text/event-stream");
    expect(seen.authorization).toBe(`Bearer ${REPOS_SECRET}`);
    expect(seen["mcp-protocol-version"]).toBe("2025-06-18");
    expect(seen.traceparent).toBe("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  });

  it("refuses a browser Origin that is not allowed (403, DNS rebinding) and serves CORS to an allowed one", async () => {
    const token = await mint(agents.reader, "repos");
    const before = repos.headers.length;
    for (const origin of [
      "http://evil.example",
      "null",
      `${ALLOWED_ORIGIN}.evil.example`,
      "http://agents.acme.example",
    ]) {
      const r = await send("repos", toolsCall("read_issues"), json(token, { origin }));
      expect(r.status, origin).toBe(403);
      expect(JSON.parse(r.text)).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32003 } });
      expect(r.headers["access-control-allow-origin"]).toBeUndefined();
    }
    expect(repos.headers.length).toBe(before);
    const refusedPreflight = await send(
      "repos",
      "",
      { origin: "http://evil.example", "access-control-request-method": "POST" },
      "OPTIONS",
    );
    expect(refusedPreflight.status).toBe(403);

    // The preflight a browser MCP client sends, then its request.
    const preflight = await send(
      "repos",
      "",
      {
        origin: ALLOWED_ORIGIN,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type, mcp-protocol-version, mcp-session-id",
      },
      "OPTIONS",
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers["access-control-allow-origin"]).toBe(ALLOWED_ORIGIN);
    expect(preflight.headers["access-control-allow-methods"]).toBe("GET, POST, DELETE");
    expect(preflight.headers["access-control-allow-headers"]).toContain("mcp-session-id");
    expect(preflight.headers["access-control-allow-headers"]).toContain("last-event-id");
    const asked = await send(
      "repos",
      "",
      { origin: ALLOWED_ORIGIN, "access-control-request-method": "POST", "access-control-request-headers": "x-evil" },
      "OPTIONS",
    );
    expect(asked.status).toBe(403);

    const allowed = await send("repos", toolsCall("read_issues"), json(token, { origin: ALLOWED_ORIGIN }));
    expect(allowed.status).toBe(200);
    expect(allowed.headers["access-control-allow-origin"]).toBe(ALLOWED_ORIGIN);
    expect(allowed.headers["access-control-expose-headers"]).toBe("Mcp-Session-Id, WWW-Authenticate");
    expect(repos.headers.at(-1)!.origin).toBeUndefined();
    // A refusal is readable by the browser client too: its challenge tells it where to get a token.
    const unauthenticated = await send("repos", toolsCall("read_issues"), {
      "content-type": "application/json",
      origin: ALLOWED_ORIGIN,
    });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers["access-control-allow-origin"]).toBe(ALLOWED_ORIGIN);
  });

  // ───────────── item 7: an MCP session belongs to the agent session that opened it

  it("answers 404 to another agent using or DELETE-ing an MCP session; the owner's session lives on, on any instance", async () => {
    const transport = new StreamableHTTPClientTransport(new URL(`${issuer}/mcp/notes`), {
      requestInit: { headers: { authorization: `Bearer ${await mint(agents.reader, "notes")}` } },
    });
    const owner = new Client({ name: "owner", version: "1.0.0" });
    const opened = notes.requests.length;
    await owner.connect(transport);
    await owner.callTool({ name: "take_note", arguments: { note: "mine" } });
    const sessionId = transport.sessionId!;
    // The client holds a bound id, not the upstream's.
    const upstreamIds = new Set(
      notes.requests
        .slice(opened)
        .map((h) => h["mcp-session-id"])
        .filter(Boolean),
    );
    expect(upstreamIds.size).toBe(1);
    expect(upstreamIds.has(sessionId)).toBe(false);
    expect(sessionId).toMatch(/^m1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);

    const intruder = await mint(agents.other, "notes");
    const before = notes.requests.length;
    const call = toolsCall("take_note");
    const used = await send(
      "notes",
      call,
      json(intruder, { "mcp-session-id": sessionId, "mcp-protocol-version": "2025-06-18" }),
    );
    expect(used.status).toBe(404);
    expect(JSON.parse(used.text)).toMatchObject({ error: { code: -32001, message: "session not found" } });
    const deleted = await send(
      "notes",
      "",
      { authorization: `Bearer ${intruder}`, "mcp-session-id": sessionId },
      "DELETE",
    );
    expect(deleted.status).toBe(404);
    const streamed = await send(
      "notes",
      "",
      { authorization: `Bearer ${intruder}`, "mcp-session-id": sessionId, accept: "text/event-stream" },
      "GET",
    );
    expect(streamed.status).toBe(404);
    // The upstream's own id, or a tampered one, is no better.
    for (const forged of [
      [...upstreamIds][0] as string,
      sessionId.slice(0, -2) + (sessionId.endsWith("A") ? "BA" : "AA"),
    ]) {
      const r = await send(
        "notes",
        call,
        json(await mint(agents.reader, "notes"), { "mcp-session-id": forged, "mcp-protocol-version": "2025-06-18" }),
      );
      expect(r.status).toBe(404);
    }
    expect(notes.requests.length).toBe(before);
    const refused = await gateway.audit
      .flush()
      .then(() =>
        db.auditEvent.findMany({ where: { action: "tool.call_refused", reason: { startsWith: "unknown_session" } } }),
      );
    expect(refused.length).toBeGreaterThanOrEqual(1);

    // A second instance on the same database accepts the owner's session with no shared state but the master key.
    const other = new Gateway(ctx, { revocationPollMs: 50, revocationStaleAfterMs: 5_000, directoryTtlMs: 60_000 });
    const otherServer = createProtocolServer(ctx, { gateway: other });
    await other.start();
    await new Promise<void>((r) => otherServer.listen(0, "127.0.0.1", r));
    try {
      const port = (otherServer.address() as AddressInfo).port;
      const token = await mint(agents.reader, "notes");
      const viaOther = await fetch(`http://127.0.0.1:${port}/mcp/notes`, {
        method: "POST",
        headers: {
          ...json(token),
          accept: "application/json, text/event-stream",
          "mcp-session-id": sessionId,
          "mcp-protocol-version": "2025-06-18",
        },
        body: call,
      });
      expect(viaOther.status).toBe(200);
      expect(await viaOther.text()).toContain("take_note called");
    } finally {
      await other.stop();
      await new Promise<void>((r) => (otherServer.closeAllConnections(), otherServer.close(() => r())));
    }

    // The owner still works, and ends its own session.
    expect((await owner.callTool({ name: "take_note", arguments: { note: "still mine" } })).content).toEqual([
      { type: "text", text: "take_note called" },
    ]);
    await transport.terminateSession();
    await owner.close();
    expect(
      notes.requests.some((h) => h[":method"] === "DELETE" && upstreamIds.has(h["mcp-session-id"] as string)),
    ).toBe(true);
  });
});
