import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import {
  ListToolsRequestSchema,
  type CallToolResult,
  type ServerNotification,
  type ServerRequest,
  type Tool,
  type ToolAnnotations,
} from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { toolDefinitionHash } from "@/lib/servers/tool-definition-hash";

/** A tool the test server offers; its input is a zod shape, listed as JSON Schema. */
export type TestTool = {
  name: string;
  title?: string;
  description?: string;
  input: z.ZodRawShape;
  annotations?: ToolAnnotations;
  /** What a call does; by default it answers "<name> called". `extra` can send notifications on the request's stream. */
  handler?: (
    args: Record<string, unknown>,
    extra: RequestHandlerExtra<ServerRequest, ServerNotification>,
  ) => Promise<CallToolResult>;
};

export type McpTestServer = {
  /** The MCP endpoint, e.g. http://127.0.0.1:41234/mcp */
  url: string;
  /** Replaces the tool list; the next `tools/list` sees the new one. */
  setTools(tools: TestTool[]): void;
  /** The Authorization header of every MCP request received, in order. */
  authorizations: (string | undefined)[];
  /** The name of every tool called, in order. */
  calls: string[];
  /** The request headers of every MCP request received, in order. */
  requests: Record<string, string | string[] | undefined>[];
  /** The JSON body of every authorised POST received, in order (what reached the MCP server). */
  messages: unknown[];
  close(): Promise<void>;
};

/**
 * A real MCP server (the SDK's McpServer over Streamable HTTP, stateless) on
 * 127.0.0.1 and a random port, for the data-layer and browser tests.
 * `pageSize` makes `tools/list` paginate, to exercise cursor following;
 * `requireBearer` makes it answer 401 unless that token is presented;
 * `sse` answers every request as a text/event-stream instead of JSON;
 * `stateful` issues Mcp-Session-Id on initialize and serves the session's
 * GET stream and DELETE (otherwise only POST is served).
 */
export async function startMcpTestServer(opts: {
  tools: TestTool[];
  pageSize?: number;
  requireBearer?: string;
  sse?: boolean;
  stateful?: boolean;
}): Promise<McpTestServer> {
  let tools = opts.tools;
  const authorizations: (string | undefined)[] = [];
  const calls: string[] = [];
  const requests: Record<string, string | string[] | undefined>[] = [];
  const messages: unknown[] = [];
  const sessions = new Map<string, StreamableHTTPServerTransport>();

  const http = createServer((req, res) => {
    void (async () => {
      if (new URL(req.url ?? "/", "http://x").pathname !== "/mcp") {
        res.writeHead(404).end();
        return;
      }
      // Stateless: no server-to-client stream and no session to end.
      if (req.method !== "POST" && !opts.stateful) {
        res.writeHead(405, { allow: "POST" }).end();
        return;
      }
      authorizations.push(req.headers.authorization);
      requests.push({ ...req.headers, ":method": req.method });
      if (opts.requireBearer && req.headers.authorization !== `Bearer ${opts.requireBearer}`) {
        res.writeHead(401, { "www-authenticate": 'Bearer error="invalid_token"', "content-type": "application/json" });
        res.end(JSON.stringify({ error: "invalid_token" }));
        return;
      }
      const body = req.method === "POST" ? await readJson(req) : undefined;
      if (body !== undefined) messages.push(body);
      if (opts.stateful) {
        const sid = req.headers["mcp-session-id"];
        let transport = typeof sid === "string" ? sessions.get(sid) : undefined;
        if (!transport) {
          const created: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
            sessionIdGenerator: () => randomUUID(),
            enableJsonResponse: !opts.sse,
            onsessioninitialized: (id) => void sessions.set(id, created),
            onsessionclosed: (id) => void sessions.delete(id),
          });
          await buildServer(tools, opts.pageSize, calls).connect(created);
          transport = created;
        }
        await transport.handleRequest(req, res, body);
        return;
      }
      const mcp = buildServer(tools, opts.pageSize, calls);
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: !opts.sse,
      });
      res.on("close", () => {
        void transport.close();
        void mcp.close();
      });
      await mcp.connect(transport);
      await transport.handleRequest(req, res, body);
    })().catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(e));
    });
  });

  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    setTools: (next) => {
      tools = next;
    },
    authorizations,
    calls,
    requests,
    messages,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const t of sessions.values()) void t.close();
        http.closeAllConnections();
        http.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

function buildServer(tools: TestTool[], pageSize: number | undefined, calls: string[]): McpServer {
  const mcp = new McpServer(
    { name: "mandate-test-server", version: "1.0.0" },
    { capabilities: { tools: { listChanged: true } } },
  );
  for (const t of tools) {
    mcp.registerTool(
      t.name,
      { title: t.title, description: t.description, inputSchema: t.input, annotations: t.annotations },
      async (args: Record<string, unknown>, extra: RequestHandlerExtra<ServerRequest, ServerNotification>) => {
        calls.push(t.name);
        return t.handler ? t.handler(args, extra) : { content: [{ type: "text", text: `${t.name} called` }] };
      },
    );
  }
  // The SDK's own listing returns every tool at once; this one pages, with the cursor being the next index.
  const listed: Tool[] = tools.map(listedTool);
  mcp.server.setRequestHandler(ListToolsRequestSchema, (request) => {
    const start = Number(request.params?.cursor ?? 0);
    const size = pageSize ?? listed.length;
    const end = start + size;
    return { tools: listed.slice(start, end), ...(end < listed.length ? { nextCursor: String(end) } : {}) };
  });
  return mcp;
}

/** A test tool as its server lists it in `tools/list`: what a sync stores and an approval pins. */
export function listedTool(t: TestTool): Tool {
  return {
    name: t.name,
    ...(t.title ? { title: t.title } : {}),
    ...(t.description ? { description: t.description } : {}),
    inputSchema: z.toJSONSchema(z.object(t.input)) as Tool["inputSchema"],
    ...(t.annotations ? { annotations: t.annotations } : {}),
  };
}

/**
 * A Tool row's definition columns for a test tool, as a sync stores them — and, when `approved`, as an approval
 * pins them: the gateway hides an approved tool whose listed definition differs from the pinned one.
 */
export function recordedDefinition(t: TestTool, approved: boolean) {
  const d = listedTool(t);
  const definition = {
    title: d.title ?? null,
    description: d.description ?? null,
    inputSchema: d.inputSchema as never,
  };
  const hash = toolDefinitionHash({ name: t.name, ...definition });
  return {
    ...definition,
    definitionHash: hash,
    ...(approved ? { approvedDefinition: definition, approvedDefinitionHash: hash } : {}),
  };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? JSON.parse(text) : undefined;
}
