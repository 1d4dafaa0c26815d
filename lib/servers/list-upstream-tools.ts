import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { DomainError } from "@/lib/errors/domain-error";

/** A tool as an MCP server lists it (`tools/list`), reduced to what Mandate keeps. */
export type UpstreamTool = {
  name: string;
  title: string | null;
  description: string | null;
  inputSchema: Record<string, unknown>;
  annotations: { readOnlyHint?: boolean; destructiveHint?: boolean };
};

export type ToolSource = {
  /** Where to connect: the upstream URL in gateway mode, the resource URI in native mode. */
  url: string;
  /** Sent as `Authorization: Bearer …` when set. */
  credential: string | null;
};

export const DEFAULT_LIST_TIMEOUT_MS = 10_000;
// A misbehaving server must not keep a sync paging forever.
const MAX_PAGES = 100;
const MAX_TOOLS = 5_000;

/**
 * Connects to an MCP server over Streamable HTTP and lists all its tools,
 * following `nextCursor`. The whole exchange — connect, initialize and every
 * page — must finish within `timeoutMs`. Failures become a DomainError whose
 * message tells the admin what to check.
 */
export async function listUpstreamTools(
  source: ToolSource,
  opts: { timeoutMs?: number } = {},
): Promise<UpstreamTool[]> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_LIST_TIMEOUT_MS;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new Error("deadline")), timeoutMs);
  const headers: Record<string, string> = source.credential ? { Authorization: `Bearer ${source.credential}` } : {};
  const transport = new StreamableHTTPClientTransport(new URL(source.url), {
    requestInit: { headers },
    // Every HTTP request of the exchange is cut off at the deadline, including a stalled response body.
    fetch: (url, init) =>
      fetch(url, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, deadline.signal]) : deadline.signal }),
  });
  const client = new Client({ name: "mandate-tool-sync", version: "1.0.0" });
  const requestOptions = { timeout: timeoutMs, signal: deadline.signal };
  try {
    await client.connect(transport, requestOptions);
    const tools: UpstreamTool[] = [];
    const seenCursors = new Set<string>();
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await client.listTools(cursor === undefined ? {} : { cursor }, requestOptions);
      for (const t of result.tools) {
        tools.push({
          name: t.name,
          title: t.title ?? t.annotations?.title ?? null,
          description: t.description ?? null,
          inputSchema: t.inputSchema as Record<string, unknown>,
          annotations: { readOnlyHint: t.annotations?.readOnlyHint, destructiveHint: t.annotations?.destructiveHint },
        });
      }
      if (tools.length > MAX_TOOLS)
        throw new DomainError("invalid", `${source.url} lists more than ${MAX_TOOLS} tools; Mandate stops there`);
      cursor = result.nextCursor;
      if (!cursor) return tools;
      if (seenCursors.has(cursor))
        throw new DomainError("invalid", `${source.url} sent the same page cursor twice; its tool list cannot be read`);
      seenCursors.add(cursor);
    }
    throw new DomainError(
      "invalid",
      `${source.url} kept paging its tool list past ${MAX_PAGES} pages; Mandate stops there`,
    );
  } catch (e) {
    if (e instanceof DomainError) throw e;
    throw new DomainError("invalid", explain(source.url, e, deadline.signal.aborted, timeoutMs));
  } finally {
    clearTimeout(timer);
    await client.close().catch(() => undefined);
  }
}

/** One sentence an admin can act on, whatever layer (socket, HTTP, JSON-RPC) failed. */
function explain(url: string, e: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `${url} did not answer within ${Math.round(timeoutMs / 1000)} s`;
  const status = typeof e === "object" && e !== null ? (e as { code?: unknown }).code : undefined;
  if (status === 401 || status === 403) {
    return `${url} refused the request (HTTP ${status}): check the upstream credential`;
  }
  if (typeof status === "number" && status >= 300 && status < 600)
    return `${url} answered HTTP ${status}; is this the server's MCP endpoint?`;
  const cause = socketErrorCode(e);
  if (cause === "ECONNREFUSED") return `Could not connect to ${url}: connection refused`;
  if (cause === "ENOTFOUND" || cause === "EAI_AGAIN")
    return `Could not connect to ${url}: the host name does not resolve`;
  const message =
    e instanceof Error ? e.message + (e.cause instanceof Error ? ` (${e.cause.message})` : "") : String(e);
  return `Could not list the tools of ${url}: ${message.slice(0, 300)}`;
}

/** The Node socket error code (ECONNREFUSED…) somewhere down an error's cause chain. */
function socketErrorCode(e: unknown): string | undefined {
  for (let current: unknown = e, depth = 0; current && typeof current === "object" && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
