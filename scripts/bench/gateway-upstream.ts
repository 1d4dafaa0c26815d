/**
 * The upstream MCP server of `npm run bench:gateway`, in its own process (so
 * its CPU is not charged to the gateway or the load generator). Forked by
 * scripts/bench/gateway.ts; reports `{ ready, url }` over IPC, then
 * `{ cpu }` (its own CPU time, µs) whenever asked.
 *
 * BENCH_UPSTREAM=sdk (default): the MCP TypeScript SDK's McpServer over its
 * Streamable HTTP transport, stateless, JSON responses — built per request,
 * as the SDK documents stateless serving. BENCH_UPSTREAM=raw: a minimal
 * node:http responder answering tools/call as an MCP server would, to show
 * the gateway's cost against the cheapest possible upstream.
 * Both refuse any request without the server's configured credential.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { z } from "zod";

const SECRET = process.env.BENCH_UPSTREAM_SECRET ?? "";
const KIND = process.env.BENCH_UPSTREAM === "raw" ? "raw" : "sdk";

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function sdkServer(): McpServer {
  const mcp = new McpServer({ name: "bench-upstream", version: "1.0.0" });
  mcp.registerTool("read_doc", { inputSchema: { id: z.string() } }, async () => ({
    content: [{ type: "text", text: "read_doc called" }],
  }));
  return mcp;
}

const http = createServer((req, res) => {
  void (async () => {
    const body = await readBody(req);
    if (req.headers.authorization !== `Bearer ${SECRET}`) {
      res.writeHead(401, { "content-type": "application/json" }).end('{"error":"invalid_token"}');
      return;
    }
    const parsed: unknown = body.length > 0 ? JSON.parse(body.toString("utf8")) : undefined;
    if (KIND === "raw") {
      const msg = parsed as { id: number; params: { name: string } };
      const out = JSON.stringify({
        jsonrpc: "2.0",
        id: msg.id,
        result: { content: [{ type: "text", text: `${msg.params.name} called` }] },
      });
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(out) }).end(out);
      return;
    }
    const mcp = sdkServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on("close", () => {
      void transport.close();
      void mcp.close();
    });
    await mcp.connect(transport);
    await transport.handleRequest(req, res, parsed);
  })().catch((e: unknown) => {
    if (!res.headersSent) res.writeHead(500).end(String(e));
  });
});
http.keepAliveTimeout = 65_000;
http.listen(0, "127.0.0.1", () => {
  process.send?.({ ready: true, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp` });
});
process.on("message", (m: { type?: string }) => {
  if (m.type === "cpu") {
    const u = process.cpuUsage();
    process.send?.({ cpu: u.user + u.system, rss: process.memoryUsage().rss });
  }
});
process.on("disconnect", () => process.exit(0));
