/**
 * npm run bench:entitlements
 *
 * Times the two reads that grow with the size of an enterprise, on a fresh
 * SQLite file and a fresh PostgreSQL database (created here and dropped at the
 * end; admin URL from TEST_POSTGRES_URL or postgresql://postgres@127.0.0.1:5432/postgres):
 *   (a) effective access of an agent holding 500 assignments (500 entitlements × 5 tools);
 *   (b) the agents list over 10,000 agents: first page, a search, the next keyset page.
 * It prints figures only; nothing here asserts on time (machines differ).
 *
 * Options: --db=sqlite|postgresql (default both), --only=access|list (default
 * both), --runs=N (effective-access calls timed, default 300). Next to the
 * wall-clock percentiles it prints the garbage collector's pauses inside each
 * timed loop (from the `gc` performance entries): on this path the p95 is
 * mostly a scavenge landing inside a call. --impl=FILE times another copy of
 * lib/entitlements/effective-access.ts instead (before/after comparisons).
 */
import { loadavg } from "node:os";
import { resolve } from "node:path";
import { PerformanceObserver } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { listAgents } from "@/lib/agents/list-agents";
import { openBulkWriter, type BulkRow } from "@/lib/db/bulk-insert";
import { createDb, type Db } from "@/lib/db/client";
import { migrateDatabase } from "@/lib/db/migrate";
import { freshDatabase, type FreshDatabase } from "@/tests/support/databases";
import * as currentImpl from "@/lib/entitlements/effective-access";
import { decodeCursor, type PageRequest } from "@/lib/pagination/keyset";
import { T } from "@/scripts/seed/tables";

const ENTITLEMENTS = 500;
const TOOLS_PER_ENTITLEMENT = 5;
const SERVERS = 10;
const AGENTS = 10_000;
const OWNERS = 200;
const args = parseArgs({
  options: { db: { type: "string" }, only: { type: "string" }, runs: { type: "string" }, impl: { type: "string" } },
  strict: true,
}).values;
const { effectiveAccessOfAgent } = (args.impl ? await import(resolve(args.impl)) : currentImpl) as typeof currentImpl;
const RUNS = { access: Number(args.runs ?? 300), list: 100 };
const WARMUP = { access: 30, list: 10 };
const TARGET_MS = { access: 10, list: 150 };

type Fresh = FreshDatabase;
// Created empty: benchOne migrates it.
const freshSqlite = () => freshDatabase("sqlite", { migrate: false });
const freshPostgres = () => freshDatabase("postgresql", { migrate: false });

const pad = (n: number, w = 5) => String(n).padStart(w, "0");
const WORDS = [
  "Relay",
  "Scout",
  "Copilot",
  "Auditor",
  "Planner",
  "Indexer",
  "Courier",
  "Sentinel",
  "Broker",
  "Curator",
];

/** The bench enterprise: owners, 10 servers × 250 tools, 500 entitlements, one heavy agent, 10k agents. */
function buildRows(now: Date): Record<keyof typeof T, BulkRow[]> & { heavyAgentId: string } {
  const users: BulkRow[] = [],
    servers: BulkRow[] = [],
    tools: BulkRow[] = [],
    agents: BulkRow[] = [];
  const entitlements: BulkRow[] = [],
    entitlementTools: BulkRow[] = [],
    assignments: BulkRow[] = [];
  for (let i = 0; i < OWNERS; i++) {
    users.push({
      id: `u${pad(i)}`,
      email: `owner${i}@bench.example`,
      displayName: `Owner ${i}`,
      active: true,
      source: "seed",
      createdAt: now,
      updatedAt: now,
    });
  }
  const toolsPerServer = (ENTITLEMENTS * TOOLS_PER_ENTITLEMENT) / SERVERS;
  for (let s = 0; s < SERVERS; s++) {
    servers.push({
      id: `s${pad(s)}`,
      name: `Server ${s}`,
      slug: `server-${s}`,
      resourceUri: `https://mcp${s}.bench.example/mcp`,
      enforcementMode: "gateway",
      argumentLogging: "none",
      createdAt: now,
      updatedAt: now,
    });
    for (let t = 0; t < toolsPerServer; t++) {
      tools.push({
        id: `t${pad(s)}-${pad(t)}`,
        serverId: `s${pad(s)}`,
        name: `tool_${t}`,
        risk: (["read", "write", "destructive"] as const)[t % 3],
        scope: `s${s}:scope${t % 40}`,
        status: "approved",
        firstSeenAt: now,
        lastSeenAt: now,
        updatedAt: now,
      });
    }
  }
  for (let e = 0; e < ENTITLEMENTS; e++) {
    const s = e % SERVERS;
    const base = Math.floor(e / SERVERS) * TOOLS_PER_ENTITLEMENT;
    entitlements.push({
      id: `e${pad(e)}`,
      name: `Entitlement ${e}`,
      serverId: `s${pad(s)}`,
      maxSessionSeconds: 28_800,
      createdAt: now,
      updatedAt: now,
    });
    for (let k = 0; k < TOOLS_PER_ENTITLEMENT; k++)
      entitlementTools.push({ entitlementId: `e${pad(e)}`, toolId: `t${pad(s)}-${pad(base + k)}` });
  }
  const agent = (id: string, name: string) => ({
    id,
    clientId: `client-${id}`,
    name,
    kind: "autonomous",
    status: "active",
    ownerId: `u${pad(Number(id.slice(1)) % OWNERS)}`,
    authMethod: "private_key_jwt",
    allowedGrantTypes: "client_credentials",
    maxTokenLifetimeSeconds: 300,
    createdAt: now,
    updatedAt: now,
  });
  const heavyAgentId = "a99999";
  agents.push(agent(heavyAgentId, "Heavy Agent"));
  for (let e = 0; e < ENTITLEMENTS; e++) {
    assignments.push({
      id: `h${pad(e)}`,
      entitlementId: `e${pad(e)}`,
      principalType: "agent",
      agentId: heavyAgentId,
      justification: "bench",
      createdAt: now,
    });
  }
  for (let i = 0; i < AGENTS - 1; i++) {
    const id = `a${pad(i)}`;
    agents.push(agent(id, `${WORDS[i % WORDS.length]} ${pad(i)}`));
    // Three grants each, so the Assignment indexes hold a realistic 30k rows.
    for (let k = 0; k < 3; k++) {
      assignments.push({
        id: `g${pad(i)}-${k}`,
        entitlementId: `e${pad((i * 7 + k * 131) % ENTITLEMENTS)}`,
        principalType: "agent",
        agentId: id,
        justification: "bench",
        createdAt: now,
      });
    }
  }
  const empty: BulkRow[] = [];
  return {
    User: users,
    Group: empty,
    GroupMembership: empty,
    UserRole: empty,
    McpServer: servers,
    Tool: tools,
    Agent: agents,
    Entitlement: entitlements,
    EntitlementTool: entitlementTools,
    Assignment: assignments,
    AgentSession: empty,
    IssuedToken: empty,
    AuditEvent: empty,
    heavyAgentId,
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Garbage-collector pauses seen while a timed loop runs. */
interface GcFigures {
  gcCount: number;
  gcTotal: number;
  gcMax: number;
}

const gcPauses: number[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcPauses.push(e.duration);
}).observe({ entryTypes: ["gc"] });

/** Lets the observer's queued entries arrive (they are delivered asynchronously). */
const drainGcEntries = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Wall-clock percentiles, plus this process's CPU time per call: on a shared,
 * busy machine wall time mostly measures waiting for a core, while CPU time
 * (everything, for SQLite; the client side only, for PostgreSQL) does not.
 */
async function time(
  runs: number,
  warmup: number,
  fn: () => Promise<unknown>,
): Promise<{ p50: number; p95: number; p99: number; cpu50: number } & GcFigures> {
  for (let i = 0; i < warmup; i++) await fn();
  await drainGcEntries();
  gcPauses.length = 0;
  const samples: number[] = [],
    cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  await drainGcEntries();
  const gc = {
    gcCount: gcPauses.length,
    gcTotal: gcPauses.reduce((a, b) => a + b, 0),
    gcMax: Math.max(0, ...gcPauses),
  };
  samples.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return {
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    p99: percentile(samples, 99),
    cpu50: percentile(cpu, 50),
    ...gc,
  };
}

interface Line extends GcFigures {
  db: string;
  what: string;
  runs: number;
  p50: number;
  p95: number;
  p99: number;
  cpu50: number;
  target: number;
}

async function benchOne(fresh: Fresh, now: Date): Promise<Line[]> {
  const provider = fresh.config.provider;
  await migrateDatabase(fresh.config);
  const rows = buildRows(now);
  const writer = await openBulkWriter(fresh.config);
  try {
    for (const table of [
      "User",
      "McpServer",
      "Tool",
      "Agent",
      "Entitlement",
      "EntitlementTool",
      "Assignment",
    ] as const) {
      await writer.insert(table, T[table], rows[table]);
    }
    await writer.exec("ANALYZE");
  } finally {
    await writer.close();
  }

  const db: Db = createDb(fresh.config);
  const lines: Line[] = [];
  try {
    if (args.only !== "list") {
      const check = await effectiveAccessOfAgent(db, rows.heavyAgentId, now);
      if (check.tools.length !== ENTITLEMENTS * TOOLS_PER_ENTITLEMENT)
        throw new Error(`expected ${ENTITLEMENTS * TOOLS_PER_ENTITLEMENT} tools, got ${check.tools.length}`);
      const access = await time(RUNS.access, WARMUP.access, () => effectiveAccessOfAgent(db, rows.heavyAgentId, now));
      lines.push({
        db: provider,
        what: `effective access, agent with ${ENTITLEMENTS} assignments (${check.tools.length} tools)`,
        runs: RUNS.access,
        ...access,
        target: TARGET_MS.access,
      });
    }
    if (args.only === "access") return lines;

    const first: PageRequest = { limit: 50 };
    const firstPage = await listAgents(db, first);
    if (firstPage.rows.length !== 50 || !firstPage.nextCursor)
      throw new Error("the agents list should have a full first page");
    const after = decodeCursor(firstPage.nextCursor)!;
    const search: PageRequest = { limit: 50, q: "sentinel 01" };
    const found = await listAgents(db, search);
    if (found.rows.length === 0) throw new Error("the search should match agents");
    const list = [
      { what: `agents list, first page (${AGENTS.toLocaleString("en")} agents)`, req: first },
      { what: `agents list, search "${search.q}"`, req: search },
      { what: "agents list, keyset next page", req: { limit: 50, after } satisfies PageRequest },
    ];
    for (const l of list)
      lines.push({
        db: provider,
        what: l.what,
        runs: RUNS.list,
        ...(await time(RUNS.list, WARMUP.list, () => listAgents(db, l.req))),
        target: TARGET_MS.list,
      });
  } finally {
    await db.$disconnect();
  }
  return lines;
}

async function main(): Promise<void> {
  const now = new Date();
  const all: Line[] = [];
  const stores = { sqlite: freshSqlite, postgresql: freshPostgres };
  const chosen = args.db ? [stores[args.db as keyof typeof stores]] : Object.values(stores);
  if (chosen.some((m) => !m)) throw new Error(`--db must be sqlite or postgresql, not ${args.db}`);
  for (const make of chosen) {
    const fresh = await make();
    try {
      console.log(`bench: loading ${fresh.config.provider}…`);
      all.push(...(await benchOne(fresh, now)));
    } finally {
      await fresh.drop();
    }
  }
  const ms = (v: number) => v.toFixed(2).padStart(8);
  const width = Math.max(...all.map((l) => l.what.length));
  console.log(
    `\nload average ${loadavg()
      .map((v) => v.toFixed(1))
      .join(" ")} (figures are wall-clock per call, in ms)`,
  );
  console.log(
    `${"database".padEnd(10)} ${"query".padEnd(width)}  runs      p50      p95      p99  cpu p50  target  p95 ok   gc n  gc total   gc max`,
  );
  for (const l of all) {
    console.log(
      `${l.db.padEnd(10)} ${l.what.padEnd(width)}  ${String(l.runs).padStart(4)} ${ms(l.p50)} ${ms(l.p95)} ${ms(l.p99)} ${ms(l.cpu50)}  ≤${String(l.target).padStart(4)}   ${(l.p95 <= l.target ? "yes" : "NO").padEnd(4)} ${String(l.gcCount).padStart(5)} ${ms(l.gcTotal)} ${ms(l.gcMax)}`,
    );
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  },
);
