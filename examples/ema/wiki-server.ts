/**
 * The MCP server behind Mandate's gateway in the example: a tiny team wiki.
 * It trusts whoever reaches it — Mandate's gateway decides who may call which
 * tool before anything arrives here. Its tool definitions are plain JSON
 * Schema so the demo data can pin exactly what it lists (an approved tool
 * whose definition changes is withdrawn until re-approved).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";

export const WIKI_TOOLS = [
  {
    name: "search_pages",
    description: "Search the team wiki by keyword",
    inputSchema: { type: "object" as const, properties: { query: { type: "string" } }, required: ["query"] },
  },
  {
    name: "read_page",
    description: "Read one wiki page by its title",
    inputSchema: { type: "object" as const, properties: { title: { type: "string" } }, required: ["title"] },
  },
];

const PAGES: Record<string, string> = {
  "On-call handbook": "Page the secondary after 15 minutes without an acknowledgement.",
  "Release checklist": "Freeze on Thursdays; tag, changelog, announce.",
};

function wikiServer(): Server {
  const server = new Server({ name: "team-wiki", version: "1.0.0" }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: WIKI_TOOLS }));
  server.setRequestHandler(CallToolRequestSchema, ({ params }) => {
    const args = (params.arguments ?? {}) as Record<string, string>;
    const text =
      params.name === "search_pages"
        ? Object.keys(PAGES)
            .filter((t) => t.toLowerCase().includes(String(args.query ?? "").toLowerCase()))
            .join("\n") || "No pages found"
        : (PAGES[String(args.title)] ?? "No such page");
    return { content: [{ type: "text", text }] };
  });
  return server;
}

/** Serves the wiki over Streamable HTTP (stateless) at http://127.0.0.1:<port>/mcp. */
export async function startWikiServer(port: number): Promise<{ url: string; close(): Promise<void> }> {
  const http = createServer((req, res) => {
    if (req.url !== "/mcp" || req.method !== "POST") return void res.writeHead(405).end();
    const server = wikiServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on("close", () => void server.close());
    server.connect(transport).then(
      () => transport.handleRequest(req, res),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => http.once("error", reject).listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
    close: () => new Promise<void>((r) => (http.closeAllConnections(), http.close(() => r()))),
  };
}
