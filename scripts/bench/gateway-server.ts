/**
 * Mandate's protocol server with the MCP gateway, as `npm run bench:gateway`
 * runs it: its own process, production mode, on the store the bench prepared
 * (BENCH_DB_CONFIG). Forked by scripts/bench/gateway.ts; over IPC it reports
 * `{ ready, port }`, answers `{ type: "stats" }` with its CPU time (µs), RSS
 * and pending audit events, and on `{ type: "stop" }` writes the pending
 * audit events, reports once more and exits (which also writes the CPU
 * profile when started with --cpu-prof).
 *
 * BENCH_GATEWAY=passthrough serves the MCP endpoint with a bare relay instead
 * (nullRelay: no token check, decision or audit): the floor any gateway in a
 * third node process pays on this machine, to read the gateway's figures against.
 */
import { Agent, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import { createDb } from "@/lib/db/client";
import type { DatabaseConfig } from "@/lib/db/config";
import { Gateway } from "@/lib/gateway/gateway";
import { createOAuthContext } from "@/lib/oauth/create-context";
import { createProtocolServer } from "@/server/protocol-server";

async function main(): Promise<void> {
  const config = JSON.parse(process.env.BENCH_DB_CONFIG ?? "") as DatabaseConfig;
  const db = createDb(config);
  const ctx = createOAuthContext(db, { issuer: "http://placeholder" });
  const gateway = new Gateway(ctx);
  const server = createProtocolServer(ctx, { gateway });
  if (process.env.BENCH_GATEWAY === "passthrough") {
    const relay = nullRelay(new URL(process.env.BENCH_UPSTREAM_URL ?? ""), process.env.BENCH_UPSTREAM_SECRET ?? "");
    const [mandate] = server.listeners("request") as ((req: IncomingMessage, res: ServerResponse) => void)[];
    server.removeAllListeners("request");
    server.on("request", (req: IncomingMessage, res: ServerResponse) =>
      req.url?.startsWith("/mcp/") ? relay(req, res) : mandate!(req, res),
    );
  }
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  Object.assign(ctx, { issuer: `http://127.0.0.1:${port}` });
  await gateway.start();

  // What stalls the event loop (a stall delays every call in flight): loop delay and GC pauses, since the last stats.
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const gc = { pauses: 0, totalMs: 0, maxMs: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.pauses++;
      gc.totalMs += e.duration;
      gc.maxMs = Math.max(gc.maxMs, e.duration);
    }
  }).observe({ entryTypes: ["gc"] });
  const stats = () => {
    const u = process.cpuUsage();
    const out = {
      cpu: u.user + u.system,
      rss: process.memoryUsage().rss,
      heapUsed: process.memoryUsage().heapUsed,
      auditBacklog: gateway.audit.backlog,
      loopP99Ms: loop.percentile(99) / 1e6,
      loopMaxMs: loop.max / 1e6,
      gcPauses: gc.pauses,
      gcTotalMs: gc.totalMs,
      gcMaxMs: gc.maxMs,
    };
    loop.reset();
    Object.assign(gc, { pauses: 0, totalMs: 0, maxMs: 0 });
    return out;
  };
  process.on("message", (m: { type?: string }) => {
    if (m.type === "stats") process.send?.({ stats: stats() });
    if (m.type === "stop") {
      void (async () => {
        server.close();
        server.closeAllConnections();
        await gateway.stop();
        process.send?.({ stopped: stats() });
        await db.$disconnect();
        process.exit(0);
      })();
    }
  });
  process.on("disconnect", () => process.exit(0));
  process.send?.({ ready: true, port });
}

/** Forwards each request to the upstream over pooled sockets with the upstream's credential, and pipes the reply back. */
function nullRelay(upstream: URL, secret: string): (req: IncomingMessage, res: ServerResponse) => void {
  const agent = new Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 64 });
  return (req, res) => {
    const out = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: upstream.pathname,
        method: req.method,
        agent,
        headers: { ...req.headers, host: upstream.host, authorization: `Bearer ${secret}` },
      },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    out.on("error", () => res.writeHead(502).end());
    req.pipe(out);
  };
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
