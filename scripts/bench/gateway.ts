/**
 * Gateway overhead: tools/call through Mandate's gateway against the same
 * call straight to the upstream MCP server, CONNECTIONS keep-alive loops each
 * for SECONDS. `npm run bench:gateway` (BENCH_SECONDS, BENCH_CONNECTIONS,
 * BENCH_STORE=sqlite|postgresql, BENCH_UPSTREAM=raw|sdk, TEST_POSTGRES_URL).
 * The default upstream is a minimal node:http responder answering tools/call
 * as an MCP server would: the SDK test server builds a server per request and
 * is slow enough to hide the gateway's own cost. Load generator, gateway
 * and upstream share one process and the machine's CPU: compare the ratio,
 * not the absolute figures.
 */
import { createHash, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { createDb } from "@/lib/db/client";
import { Gateway } from "@/lib/gateway/gateway";
import { createOAuthContext } from "@/lib/oauth/create-context";
import { sealUpstreamCredential } from "@/lib/servers/upstream-credential";
import { createProtocolServer } from "@/server/protocol-server";
import { freshDatabase, type Provider as Store } from "@/tests/support/databases";
import { startMcpTestServer } from "@/tests/support/mcp-test-server";

process.env.MANDATE_MASTER_KEY ??= randomBytes(32).toString("base64url");
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const STORE: Store = process.env.BENCH_STORE === "postgresql" ? "postgresql" : "sqlite";
const UPSTREAM_SECRET = "bench-upstream-" + randomBytes(8).toString("hex");
const UPSTREAM_KIND = process.env.BENCH_UPSTREAM === "sdk" ? "sdk" : "raw";
const CLIENT_SECRET = "bench-secret-" + randomBytes(16).toString("hex");

interface Result { name: string; ok: number; failed: number; perSecond: number; p50: number; p99: number; rssMaxMb: number }

/** CONNECTIONS loops, each one request at a time, for SECONDS; RSS sampled every 250 ms. Keep-alive comes from fetch's pooled dispatcher. */
async function load(name: string, once: () => Promise<boolean>): Promise<Result> {
  const latencies: number[] = [];
  let failed = 0;
  let rssMax = process.memoryUsage().rss;
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 250);
  const end = Date.now() + SECONDS * 1000;
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    while (Date.now() < end) {
      const t = performance.now();
      const ok = await once().catch(() => false);
      if (ok) latencies.push(performance.now() - t);
      else failed++;
    }
  }));
  clearInterval(sampler);
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return { name, ok: latencies.length, failed, perSecond: latencies.length / SECONDS, p50: q(0.5), p99: q(0.99), rssMaxMb: rssMax / 2 ** 20 };
}

const callBody = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "read_doc", arguments: { id: "d1" } } });

function toolCall(url: string, token: string): () => Promise<boolean> {
  return async () => {
    const r = await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": "2025-06-18" },
      body: callBody,
    });
    const text = await r.text();
    return r.status === 200 && text.includes("read_doc called");
  };
}

/** The cheapest honest MCP upstream: checks its credential, answers tools/call with a JSON-RPC result. */
async function rawUpstream(): Promise<{ url: string; close(): Promise<void> }> {
  const http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.headers.authorization !== `Bearer ${UPSTREAM_SECRET}`) return void res.writeHead(401).end();
      const msg = JSON.parse(Buffer.concat(chunks).toString()) as { id: number; params: { name: string } };
      const body = JSON.stringify({ jsonrpc: "2.0", id: msg.id, result: { content: [{ type: "text", text: `${msg.params.name} called` }] } });
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body);
    });
  });
  http.keepAliveTimeout = 65_000;
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
    close: () => new Promise<void>((r) => (http.closeAllConnections(), http.close(() => r()))),
  };
}

async function main(): Promise<void> {
  const upstream = UPSTREAM_KIND === "raw" ? await rawUpstream() : await startMcpTestServer({ requireBearer: UPSTREAM_SECRET, tools: [{ name: "read_doc", input: { id: z.string() } }] });
  const fresh = await freshDatabase(STORE);
  const db = createDb(fresh.config);
  const ctx = createOAuthContext(db, { issuer: "http://placeholder" });
  const gateway = new Gateway(ctx);
  const server = createProtocolServer(ctx, { gateway });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  Object.assign(ctx, { issuer });
  try {
    const row = await db.mcpServer.create({ data: { name: "Docs", slug: "docs", resourceUri: `${issuer}/mcp/docs`, enforcementMode: "gateway", upstreamUrl: upstream.url } });
    await db.mcpServer.update({ where: { id: row.id }, data: { upstreamCredentialEnc: sealUpstreamCredential(row.id, UPSTREAM_SECRET) } });
    const tool = await db.tool.create({ data: { serverId: row.id, name: "read_doc", scope: "docs.read", status: "approved" } });
    const ent = await db.entitlement.create({ data: { name: "docs", serverId: row.id, tools: { create: [{ toolId: tool.id }] } } });
    const agent = await db.agent.create({
      data: { clientId: "bench-agent", name: "bench-agent", kind: "autonomous", authMethod: "client_secret_basic", clientSecretHash: createHash("sha256").update(CLIENT_SECRET).digest("hex"), allowedGrantTypes: "client_credentials" },
    });
    await db.assignment.create({ data: { entitlementId: ent.id, principalType: "agent", agentId: agent.id, justification: "bench" } });
    await gateway.start();

    const minted = await fetch(`${issuer}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from(`bench-agent:${CLIENT_SECRET}`).toString("base64")}` },
      body: new URLSearchParams({ grant_type: "client_credentials", resource: `${issuer}/mcp/docs`, scope: "docs.read" }),
    });
    const { access_token: token } = (await minted.json()) as { access_token: string };

    console.log(`gateway bench: ${CONNECTIONS} keep-alive loops × ${SECONDS}s, tools/call, ${UPSTREAM_KIND} upstream, ${STORE} store, node ${process.version}`);
    const direct = await load("direct to upstream", toolCall(upstream.url, UPSTREAM_SECRET));
    const through = await load("through the gateway", toolCall(`${issuer}/mcp/docs`, token));
    await gateway.audit.flush();
    const audited = await db.auditEvent.count({ where: { action: "tool.called" } });
    for (const r of [direct, through]) {
      console.log(`${r.name.padEnd(22)} ${r.perSecond.toFixed(0).padStart(6)}/s  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  ok ${r.ok}  failed ${r.failed}  max RSS ${r.rssMaxMb.toFixed(0)} MB`);
    }
    console.log(`throughput ratio (gateway / direct): ${(through.perSecond / direct.perSecond).toFixed(2)}; tool.called events written: ${audited} of ${through.ok}`);
  } finally {
    await gateway.stop();
    server.closeAllConnections();
    server.close();
    await upstream.close();
    await db.$disconnect();
    await fresh.drop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
