/**
 * Mandate's protocol server with the MCP gateway, as `npm run bench:gateway`
 * runs it: its own process, production mode, on the store the bench prepared
 * (BENCH_DB_CONFIG). Forked by scripts/bench/gateway.ts; over IPC it reports
 * `{ ready, port }`, answers `{ type: "stats" }` with its CPU time (µs), RSS
 * and pending audit events, and on `{ type: "stop" }` writes the pending
 * audit events, reports once more and exits (which also writes the CPU
 * profile when started with --cpu-prof).
 */
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
      cpu: u.user + u.system, rss: process.memoryUsage().rss, heapUsed: process.memoryUsage().heapUsed, auditBacklog: gateway.audit.backlog,
      loopP99Ms: loop.percentile(99) / 1e6, loopMaxMs: loop.max / 1e6, gcPauses: gc.pauses, gcTotalMs: gc.totalMs, gcMaxMs: gc.maxMs,
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

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
