/**
 * Gateway overhead: tools/call through Mandate's MCP gateway against the same
 * call straight to the same upstream MCP server. `npm run bench:gateway`.
 *
 * Three processes, so no hop is charged to another's thread:
 *   - the upstream MCP server (scripts/bench/gateway-upstream.ts; the SDK's
 *     McpServer by default, BENCH_UPSTREAM=raw for a minimal responder),
 *   - Mandate's protocol server with the gateway (scripts/bench/gateway-server.ts),
 *     the real node:http server on the bench's fresh store,
 *   - this process: the load generator (node:http keep-alive Agent, one
 *     socket per loop; each loop sends its next call when the last one ends).
 * Direct and gateway rounds of ROUND_SECONDS alternate, so both see the same
 * background load (the machine is shared); figures are pooled per target.
 *
 * Options: BENCH_SECONDS (per target at BENCH_CONNECTIONS, default 15; 300
 * for the memory soak), BENCH_CONNECTIONS (32), BENCH_PACED_SECONDS (per target
 * at a fixed offered rate, default 10; BENCH_PACED_RATE or BENCH_PACED_SHARE of
 * the closed-loop gateway throughput, default 0.5), BENCH_LOW_SECONDS (per
 * target at 1 connection, default 4), BENCH_UPSTREAM=sdk|raw, BENCH_GATEWAY=passthrough
 * (a bare relay in the gateway's process instead of Mandate's gateway: the floor for the added latency),
 * BENCH_STORE=sqlite|postgresql (TEST_POSTGRES_URL), BENCH_PROFILE=<dir>
 * (the gateway process runs with --cpu-prof into <dir>).
 */
import { fork, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { Agent, request, type OutgoingHttpHeaders } from "node:http";
import { performance } from "node:perf_hooks";
import { createDb } from "@/lib/db/client";
import { sealUpstreamCredential } from "@/lib/servers/upstream-credential";
import { freshDatabase, type Provider as Store } from "@/tests/support/databases";

process.env.MANDATE_MASTER_KEY ??= randomBytes(32).toString("base64url");
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const LOW_SECONDS = Number(process.env.BENCH_LOW_SECONDS ?? 4);
const ROUND_SECONDS = 5;
// The paced phase: BENCH_PACED_RATE calls/s, or BENCH_PACED_SHARE of the gateway's closed-loop throughput (default 0.5).
const PACED_RATE = process.env.BENCH_PACED_RATE ? Number(process.env.BENCH_PACED_RATE) : undefined;
const PACED_SHARE = Number(process.env.BENCH_PACED_SHARE ?? 0.5);
const PACED_SECONDS = Number(process.env.BENCH_PACED_SECONDS ?? 10);
const STORE: Store = process.env.BENCH_STORE === "postgresql" ? "postgresql" : "sqlite";
const UPSTREAM_KIND = process.env.BENCH_UPSTREAM === "raw" ? "raw" : "sdk";
const PROFILE_DIR = process.env.BENCH_PROFILE;
const GATEWAY_KIND = process.env.BENCH_GATEWAY === "passthrough" ? "passthrough" : "mandate";
const UPSTREAM_SECRET = "bench-upstream-" + randomBytes(8).toString("hex");
const CLIENT_SECRET = "bench-secret-" + randomBytes(16).toString("hex");

// ───────────── child processes

interface Stats {
  cpu: number;
  rss: number;
  heapUsed: number;
  auditBacklog: number;
  loopP99Ms: number;
  loopMaxMs: number;
  gcPauses: number;
  gcTotalMs: number;
  gcMaxMs: number;
}

class Child {
  private waiting: ((m: Record<string, unknown>) => void)[] = [];
  constructor(readonly proc: ChildProcess) {
    proc.on("message", (m: Record<string, unknown>) => this.waiting.shift()?.(m));
  }

  static async start(
    script: string,
    env: Record<string, string>,
    execArgv: string[] = [],
  ): Promise<{ child: Child; ready: Record<string, unknown> }> {
    const proc = fork(script, [], {
      execArgv: ["--import", "tsx", ...execArgv],
      env: { ...process.env, ...env, NODE_ENV: "production" },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const child = new Child(proc);
    const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
      child.waiting.push(resolve);
      proc.once("exit", (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
    });
    return { child, ready };
  }

  ask(type: string): Promise<Record<string, unknown>> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.proc.send({ type });
    });
  }
}

const children: ChildProcess[] = [];
process.on("exit", () => {
  for (const c of children) if (c.exitCode === null) c.kill();
});

// ───────────── load

interface Target {
  name: string;
  port: number;
  path: string;
  headers: () => OutgoingHttpHeaders;
  agent: Agent;
}
interface Stalls {
  loopP99Ms: number;
  loopMaxMs: number;
  gcPauses: number;
  gcTotalMs: number;
  gcMaxMs: number;
}
interface Tally {
  latencies: number[];
  failed: Map<string, number>;
  ms: number;
  cpuGateway: number;
  cpuUpstream: number;
  cpuLoad: number;
  stalls: Stalls;
}
const tally = (): Tally => ({
  latencies: [],
  failed: new Map(),
  ms: 0,
  cpuGateway: 0,
  cpuUpstream: 0,
  cpuLoad: 0,
  stalls: { loopP99Ms: 0, loopMaxMs: 0, gcPauses: 0, gcTotalMs: 0, gcMaxMs: 0 },
});

/** The gateway's event-loop stalls over one round (its stats reset on every report). */
function addStalls(into: Tally, s: Stats): void {
  const t = into.stalls;
  t.loopP99Ms = Math.max(t.loopP99Ms, s.loopP99Ms);
  t.loopMaxMs = Math.max(t.loopMaxMs, s.loopMaxMs);
  t.gcPauses += s.gcPauses;
  t.gcTotalMs += s.gcTotalMs;
  t.gcMaxMs = Math.max(t.gcMaxMs, s.gcMaxMs);
}

const callBody = Buffer.from(
  JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    method: "tools/call",
    params: { name: "read_doc", arguments: { id: "d1" } },
  }),
);

/** null when the call succeeded, else why not (HTTP status, or the error). */
function once(t: Target): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port: t.port, path: t.path, method: "POST", agent: t.agent, headers: t.headers() },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve(
            res.statusCode === 200 && Buffer.concat(chunks).includes("read_doc called")
              ? null
              : `HTTP ${res.statusCode}`,
          ),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(callBody);
  });
}

/** Runs `load` for `ms` and charges every process's CPU, and the gateway's stalls, over it to `into`. */
async function charged(
  ms: number,
  into: Tally,
  gateway: Child,
  upstream: Child,
  load: () => Promise<void>,
): Promise<void> {
  const [g0, u0] = await Promise.all([gateway.ask("stats"), upstream.ask("cpu")]);
  const l0 = process.cpuUsage();
  await load();
  const [g1, u1] = await Promise.all([gateway.ask("stats"), upstream.ask("cpu")]);
  const l1 = process.cpuUsage(l0);
  into.ms += ms;
  into.cpuGateway += (g1.stats as Stats).cpu - (g0.stats as Stats).cpu;
  addStalls(into, g1.stats as Stats);
  into.cpuUpstream += (u1.cpu as number) - (u0.cpu as number);
  into.cpuLoad += l1.user + l1.system;
}

/** One call; its latency counted from `since`, or its failure. */
async function timed(t: Target, since: number, into: Tally): Promise<void> {
  const failure = await once(t).catch((e: unknown) => (e instanceof Error ? e.message : "error"));
  if (failure === null) into.latencies.push(performance.now() - since);
  else into.failed.set(failure, (into.failed.get(failure) ?? 0) + 1);
}

/** `connections` closed loops against one target for `ms`. */
function round(
  t: Target,
  connections: number,
  ms: number,
  into: Tally,
  gateway: Child,
  upstream: Child,
): Promise<void> {
  return charged(ms, into, gateway, upstream, async () => {
    const end = performance.now() + ms;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < end) await timed(t, performance.now(), into);
      }),
    );
  });
}

/**
 * `connections` loops that together offer `rate` calls/s whatever the replies' pace (each loop has its own
 * schedule; a late reply delays only its own loop's next send). Latency counts from the call's scheduled time,
 * so a stall is charged to every call it delayed (no coordinated omission).
 */
function pacedRound(
  t: Target,
  connections: number,
  ms: number,
  rate: number,
  into: Tally,
  gateway: Child,
  upstream: Child,
): Promise<void> {
  return charged(ms, into, gateway, upstream, async () => {
    const start = performance.now();
    const interval = (connections * 1000) / rate;
    await Promise.all(
      Array.from({ length: connections }, async (_, c) => {
        for (let k = 0; ; k++) {
          const due = start + (c / connections) * interval + k * interval;
          if (due >= start + ms) break;
          const wait = due - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          // A timer may fire a little early: the call then counts from when it was sent.
          await timed(t, Math.min(due, performance.now()), into);
        }
      }),
    );
  });
}

function p99Of(latencies: readonly number[]): number {
  const sorted = Float64Array.from(latencies).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))] ?? NaN;
}

function summary(t: Tally) {
  const sorted = Float64Array.from(t.latencies).sort();
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  const calls = sorted.length;
  return {
    calls,
    failed: [...t.failed].map(([why, n]) => `${n} ${why}`).join(", ") || "0",
    perSecond: calls / (t.ms / 1000),
    p50: q(0.5),
    p99: q(0.99),
    // µs of CPU per successful call, per process
    gatewayUs: t.cpuGateway / calls,
    upstreamUs: t.cpuUpstream / calls,
    loadUs: t.cpuLoad / calls,
    stalls: t.stalls,
  };
}

// ───────────── main

async function main(): Promise<void> {
  const fresh = await freshDatabase(STORE);
  const db = createDb(fresh.config);
  const { child: upstream, ready: up } = await Child.start("scripts/bench/gateway-upstream.ts", {
    BENCH_UPSTREAM: UPSTREAM_KIND,
    BENCH_UPSTREAM_SECRET: UPSTREAM_SECRET,
  });
  children.push(upstream.proc);
  const profileArgs = [
    ...(PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`] : []),
    ...(process.env.BENCH_GATEWAY_NODE_FLAGS?.split(" ").filter(Boolean) ?? []),
  ];
  const { child: gateway, ready: gw } = await Child.start(
    "scripts/bench/gateway-server.ts",
    {
      BENCH_DB_CONFIG: JSON.stringify(fresh.config),
      BENCH_GATEWAY: GATEWAY_KIND,
      BENCH_UPSTREAM_URL: String(up.url),
      BENCH_UPSTREAM_SECRET: UPSTREAM_SECRET,
    },
    profileArgs,
  );
  children.push(gateway.proc);
  const upstreamUrl = new URL(String(up.url));
  const issuer = `http://127.0.0.1:${String(gw.port)}`;
  try {
    const row = await db.mcpServer.create({
      data: {
        name: "Docs",
        slug: "docs",
        resourceUri: `${issuer}/mcp/docs`,
        enforcementMode: "gateway",
        upstreamUrl: upstreamUrl.href,
      },
    });
    await db.mcpServer.update({
      where: { id: row.id },
      data: { upstreamCredentialEnc: sealUpstreamCredential(row.id, UPSTREAM_SECRET) },
    });
    const tool = await db.tool.create({
      data: { serverId: row.id, name: "read_doc", scope: "docs.read", status: "approved" },
    });
    const ent = await db.entitlement.create({
      data: { name: "docs", serverId: row.id, tools: { create: [{ toolId: tool.id }] } },
    });
    const agent = await db.agent.create({
      data: {
        clientId: "bench-agent",
        name: "bench-agent",
        kind: "autonomous",
        authMethod: "client_secret_basic",
        clientSecretHash: createHash("sha256").update(CLIENT_SECRET).digest("hex"),
        allowedGrantTypes: "client_credentials",
      },
    });
    await db.assignment.create({
      data: { entitlementId: ent.id, principalType: "agent", agentId: agent.id, justification: "bench" },
    });

    // Access tokens live 5 minutes: a long run re-mints before expiry, as an agent would.
    let token = { value: "", renewAt: 0 };
    const mint = async () => {
      const r = await fetch(`${issuer}/oauth/token`, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          authorization: `Basic ${Buffer.from(`bench-agent:${CLIENT_SECRET}`).toString("base64")}`,
        },
        body: new URLSearchParams({
          grant_type: "client_credentials",
          resource: `${issuer}/mcp/docs`,
          scope: "docs.read",
        }),
      });
      const t = (await r.json()) as { access_token: string; expires_in: number };
      token = { value: t.access_token, renewAt: Date.now() + (t.expires_in - 60) * 1000 };
    };
    await mint();

    const mcpHeaders = {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": "2025-06-18",
      "content-length": callBody.length,
    };
    const target = (name: string, port: number, path: string, auth: () => string, sockets: number): Target => ({
      name,
      port,
      path,
      agent: new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets }),
      headers: () => ({ ...mcpHeaders, authorization: auth() }),
    });
    const targets = (sockets: number) => ({
      direct: target(
        "direct",
        Number(upstreamUrl.port),
        upstreamUrl.pathname,
        () => `Bearer ${UPSTREAM_SECRET}`,
        sockets,
      ),
      gateway: target("gateway", Number(gw.port), "/mcp/docs", () => `Bearer ${token.value}`, sockets),
    });

    console.log(
      `gateway bench: tools/call, ${UPSTREAM_KIND} upstream (own process), ${GATEWAY_KIND === "passthrough" ? "a bare relay in the gateway's place (BENCH_GATEWAY=passthrough: no token check, decision or audit)" : `gateway (own process, ${STORE} store)`}, load generator here; node ${process.version}`,
    );
    console.log(
      `  ${CONNECTIONS} connections × ${SECONDS}s per target, then 1 connection × ${LOW_SECONDS}s per target; rounds of ${ROUND_SECONDS}s alternate direct/gateway`,
    );

    const rssTimeline: { at: number; rss: number; heap: number }[] = [];
    const t0 = Date.now();
    const sampleRss = async () => {
      const s = (await gateway.ask("stats")).stats as Stats;
      rssTimeline.push({ at: (Date.now() - t0) / 1000, rss: s.rss, heap: s.heapUsed });
    };
    await sampleRss();

    /** Closed loops (as fast as replies come) or, with `rate`, loops paced to offer that many calls/s. */
    const phase = async (connections: number, seconds: number, rate?: number) => {
      const ts = targets(connections);
      const direct = tally();
      const through = tally();
      const run = (t: Target, ms: number, into: Tally) =>
        rate
          ? pacedRound(t, connections, ms, rate, into, gateway, upstream)
          : round(t, connections, ms, into, gateway, upstream);
      // Warm both paths (connections, JIT, the gateway's caches) before measuring.
      await run(ts.direct, 500, tally());
      await run(ts.gateway, 500, tally());
      // Added p99 of each pair of neighbouring rounds: how much of the pooled figure is the shared machine's noise.
      const pairs: number[] = [];
      for (let left = seconds; left > 0; left -= ROUND_SECONDS) {
        const ms = Math.min(ROUND_SECONDS, left) * 1000;
        if (Date.now() > token.renewAt) await mint();
        const [d0, g0] = [direct.latencies.length, through.latencies.length];
        await run(ts.direct, ms, direct);
        await run(ts.gateway, ms, through);
        pairs.push(p99Of(through.latencies.slice(g0)) - p99Of(direct.latencies.slice(d0)));
        await sampleRss();
      }
      for (const t of Object.values(ts)) t.agent.destroy();
      return { direct: summary(direct), through: summary(through), pairs: pairs.sort((a, b) => a - b) };
    };

    const loaded = await phase(CONNECTIONS, SECONDS);
    // The same 32 connections offering a fixed rate both targets sustain: latency then measures the hop, not the queue.
    const pacedRate = PACED_RATE ?? Math.round(loaded.through.perSecond * PACED_SHARE);
    const paced = await phase(CONNECTIONS, PACED_SECONDS, pacedRate);
    const single = await phase(1, LOW_SECONDS);
    // Idle cost (revocation polls, directory refresh), warm, to read the per-call CPU against.
    await new Promise((r) => setTimeout(r, 500));
    const idle0 = (await gateway.ask("stats")).stats as Stats;
    await new Promise((r) => setTimeout(r, 2000));
    const idle1 = (await gateway.ask("stats")).stats as Stats;
    const idleCpuPerSecond = (idle1.cpu - idle0.cpu) / 2;

    const exited = new Promise((r) => gateway.proc.once("exit", r));
    const stopped = await gateway.ask("stop");
    await exited; // the CPU profile, if any, is written on exit
    const finalStats = stopped.stopped as Stats;
    const audited = await db.auditEvent.count({ where: { action: "tool.called" } });

    const ms = (v: number) => `${v.toFixed(2)} ms`;
    const line = (label: string, r: ReturnType<typeof summary>) =>
      `  ${label.padEnd(20)} ${r.perSecond.toFixed(0).padStart(6)} calls/s  p50 ${ms(r.p50).padStart(9)}  p99 ${ms(r.p99).padStart(9)}  ok ${r.calls}  failed ${r.failed}`;
    const cpu = (label: string, r: ReturnType<typeof summary>) =>
      `  ${label.padEnd(20)} CPU per call: gateway ${(r.gatewayUs / 1000).toFixed(3)} ms, upstream ${(r.upstreamUs / 1000).toFixed(3)} ms, load generator ${(r.loadUs / 1000).toFixed(3)} ms` +
      (label.includes("gateway")
        ? `\n  ${"".padEnd(20)} gateway event loop: delay p99 ${r.stalls.loopP99Ms.toFixed(1)} ms, max ${r.stalls.loopMaxMs.toFixed(1)} ms; GC ${r.stalls.gcPauses} pauses, ${r.stalls.gcTotalMs.toFixed(0)} ms in all, longest ${r.stalls.gcMaxMs.toFixed(1)} ms`
        : "");

    console.log(`\n${CONNECTIONS} connections (throughput; latency includes queueing):`);
    console.log(line("direct to upstream", loaded.direct));
    console.log(line("through the gateway", loaded.through));
    console.log(
      `  added latency: p50 ${ms(loaded.through.p50 - loaded.direct.p50)}, p99 ${ms(loaded.through.p99 - loaded.direct.p99)}; throughput ratio gateway/direct ${(loaded.through.perSecond / loaded.direct.perSecond).toFixed(2)}`,
    );
    console.log(cpu("direct to upstream", loaded.direct));
    console.log(cpu("through the gateway", loaded.through));

    console.log(
      `\n${CONNECTIONS} connections offering a fixed ${pacedRate} calls/s (${Math.round((pacedRate / loaded.through.perSecond) * 100)}% of the gateway's capacity above; latency from each call's scheduled time):`,
    );
    console.log(line("direct to upstream", paced.direct));
    console.log(line("through the gateway", paced.through));
    console.log(
      `  added latency: p50 ${ms(paced.through.p50 - paced.direct.p50)}, p99 ${ms(paced.through.p99 - paced.direct.p99)}  [target p50 ≤ 1 ms, p99 ≤ 5 ms]`,
    );
    const pairs = paced.pairs;
    console.log(
      `  added p99 per pair of neighbouring ${ROUND_SECONDS}s rounds (${pairs.length} pairs): median ${ms(pairs[pairs.length >> 1] ?? NaN)}, range ${ms(pairs[0] ?? NaN)} … ${ms(pairs[pairs.length - 1] ?? NaN)}` +
        `; direct's own p99 over the phase ${ms(paced.direct.p99)} (the machine's noise floor)`,
    );
    console.log(cpu("through the gateway", paced.through));

    console.log(`\n1 connection (no queue: the gateway's own cost per call):`);
    console.log(line("direct to upstream", single.direct));
    console.log(line("through the gateway", single.through));
    console.log(
      `  added latency: p50 ${ms(single.through.p50 - single.direct.p50)}, p99 ${ms(single.through.p99 - single.direct.p99)}`,
    );
    console.log(cpu("through the gateway", single.through));

    const mb = (b: number) => (b / 2 ** 20).toFixed(0);
    const every = Math.max(1, Math.ceil(rssTimeline.length / 12));
    const shown = rssTimeline.filter((_, i) => i % every === 0 || i === rssTimeline.length - 1);
    console.log(`\ngateway process memory (RSS / heap used, MB) over the run:`);
    console.log(`  ${shown.map((s) => `${s.at.toFixed(0)}s ${mb(s.rss)}/${mb(s.heap)}`).join("  ")}`);
    const second = rssTimeline.slice(Math.floor(rssTimeline.length / 2));
    // A trend over less than a minute or two is noise (GC, allocator warm-up): the soak is BENCH_SECONDS=300.
    if (second.length >= 3 && second.at(-1)!.at - second[0]!.at >= 60) {
      const growth = (second.at(-1)!.rss - second[0]!.rss) / 2 ** 20 / ((second.at(-1)!.at - second[0]!.at) / 60);
      console.log(
        `  RSS trend over the second half: ${growth >= 0 ? "+" : ""}${growth.toFixed(1)} MB/min; max ${mb(Math.max(...rssTimeline.map((s) => s.rss)))} MB`,
      );
    }
    console.log(
      `  idle gateway CPU after the run (revocation polls): ${(idleCpuPerSecond / 1000).toFixed(1)} ms/s; audit backlog at stop ${finalStats.auditBacklog}`,
    );
    console.log(
      `  tool.called events written: ${audited} of ${loaded.through.calls + single.through.calls} measured calls (+ warm-up)`,
    );

    console.log(`
How to read this:
- ${CONNECTIONS} closed loops keep every process busy: each call waits behind the others, so p50/p99 there are mostly
  queueing, and "added latency" is what the extra hop's CPU (gateway + a second HTTP exchange) costs on a shared
  machine — not time the gateway spends on one call. The throughput ratio is the figure for capacity.
- At a fixed offered rate the same ${CONNECTIONS} connections carry the same calls/s to both targets, below saturation:
  the added latency there is the hop's cost at that load (the latency figure for the target).
- At 1 connection nothing queues: the added latency is the gateway's own cost per call (receive, verify, decide,
  forward over a pooled socket, relay), plus one more loopback round trip.
- CPU per call is measured per process (process.cpuUsage over the same rounds): it does not depend on what else
  the machine is running, unlike the timings.`);
  } finally {
    if (gateway.proc.exitCode === null) gateway.proc.kill();
    upstream.proc.kill();
    await db.$disconnect();
    await fresh.drop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
