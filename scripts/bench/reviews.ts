/**
 * npm run bench:reviews
 *
 * Access certifications at enterprise size, on a fresh SQLite file and a fresh
 * PostgreSQL database (created here and dropped at the end; admin URL from
 * TEST_POSTGRES_URL or postgresql://postgres@127.0.0.1:5432/postgres):
 *   (a) launching a campaign over 50,000 assignments (10k agents × 5 grants),
 *       with the launch's own progress reports printed as it goes;
 *   (b) a reviewer's inbox page (50 items with usage and peers) when that
 *       reviewer holds 5,000 items: first page and a keyset page further on.
 * It prints figures only; nothing here asserts on time (machines differ).
 */
import { loadavg } from "node:os";
import type { Principal } from "@/lib/auth/principal";
import { openBulkWriter, type BulkRow } from "@/lib/db/bulk-insert";
import { createDb, type Db } from "@/lib/db/client";
import { migrateDatabase } from "@/lib/db/migrate";
import { freshDatabase, type FreshDatabase } from "@/tests/support/databases";
import { timeOrderedId } from "@/lib/ids/time-ordered-id";
import { createCampaign } from "@/lib/reviews/create-campaign";
import { launchCampaign } from "@/lib/reviews/launch-campaign";
import { reviewerInbox } from "@/lib/reviews/reviewer-inbox";
import { T } from "@/scripts/seed/tables";

const AGENTS = 10_000;
const GRANTS_PER_AGENT = 5;
const SERVERS = 10;
const TOOLS_PER_SERVER = 30;
const ENTITLEMENTS = 300;
const TOOLS_PER_ENTITLEMENT = 5;
const OWNERS = 200;
const REVIEWERS = 10;
const TOOL_CALLS = 100_000;
const TARGET = { launchMs: 10_000, inboxMs: 150 };
const RUNS = 40;
const WARMUP = 5;
const DAY = 86_400_000;

type Fresh = FreshDatabase;
// Created empty: benchOne migrates it.
const freshSqlite = () => freshDatabase("sqlite", { migrate: false });
const freshPostgres = () => freshDatabase("postgresql", { migrate: false });

const pad = (n: number, w = 5) => String(n).padStart(w, "0");

function buildRows(now: Date): Partial<Record<keyof typeof T, BulkRow[]>> {
  const User: BulkRow[] = [],
    UserRole: BulkRow[] = [],
    McpServer: BulkRow[] = [],
    Tool: BulkRow[] = [],
    Agent: BulkRow[] = [];
  const Entitlement: BulkRow[] = [],
    EntitlementTool: BulkRow[] = [],
    Assignment: BulkRow[] = [],
    AuditEvent: BulkRow[] = [];
  for (let i = 0; i < OWNERS; i++)
    User.push({
      id: `u${pad(i)}`,
      email: `owner${i}@bench.example`,
      displayName: `Owner ${i}`,
      active: true,
      source: "seed",
      createdAt: now,
      updatedAt: now,
    });
  for (let i = 0; i < REVIEWERS; i++) {
    User.push({
      id: `r${pad(i)}`,
      email: `reviewer${i}@bench.example`,
      displayName: `Reviewer ${i}`,
      active: true,
      source: "seed",
      createdAt: now,
      updatedAt: now,
    });
    UserRole.push({ userId: `r${pad(i)}`, role: "reviewer", createdAt: now });
  }
  User.push({
    id: "admin",
    email: "admin@bench.example",
    displayName: "Admin",
    active: true,
    source: "seed",
    createdAt: now,
    updatedAt: now,
  });
  UserRole.push({ userId: "admin", role: "admin", createdAt: now });
  for (let s = 0; s < SERVERS; s++) {
    McpServer.push({
      id: `s${pad(s)}`,
      name: `Server ${s}`,
      slug: `server-${s}`,
      resourceUri: `https://mcp${s}.bench.example/mcp`,
      enforcementMode: "gateway",
      argumentLogging: "none",
      ownerId: `u${pad(s)}`,
      createdAt: now,
      updatedAt: now,
    });
    for (let t = 0; t < TOOLS_PER_SERVER; t++) {
      Tool.push({
        id: `t${pad(s)}-${pad(t)}`,
        serverId: `s${pad(s)}`,
        name: `tool_${t}`,
        risk: (["read", "write", "destructive"] as const)[t % 3],
        scope: `s${s}:t${t}`,
        status: "approved",
        firstSeenAt: now,
        lastSeenAt: now,
        updatedAt: now,
      });
    }
  }
  for (let e = 0; e < ENTITLEMENTS; e++) {
    const s = e % SERVERS;
    Entitlement.push({
      id: `e${pad(e)}`,
      name: `Entitlement ${e}`,
      serverId: `s${pad(s)}`,
      maxSessionSeconds: 28_800,
      createdAt: now,
      updatedAt: now,
    });
    const base = Math.floor(e / SERVERS) % (TOOLS_PER_SERVER - TOOLS_PER_ENTITLEMENT);
    for (let k = 0; k < TOOLS_PER_ENTITLEMENT; k++)
      EntitlementTool.push({ entitlementId: `e${pad(e)}`, toolId: `t${pad(s)}-${pad(base + k)}` });
  }
  const old = new Date(now.getTime() - 120 * DAY);
  for (let i = 0; i < AGENTS; i++) {
    const id = `a${pad(i)}`;
    Agent.push({
      id,
      clientId: `client-${id}`,
      name: `Agent ${pad(i)}`,
      kind: "autonomous",
      status: "active",
      ownerId: `u${pad(i % OWNERS)}`,
      authMethod: "private_key_jwt",
      allowedGrantTypes: "client_credentials",
      maxTokenLifetimeSeconds: 300,
      createdAt: old,
      updatedAt: old,
    });
    for (let k = 0; k < GRANTS_PER_AGENT; k++) {
      Assignment.push({
        id: `g${pad(i)}-${k}`,
        entitlementId: `e${pad((i * 7 + k * 61) % ENTITLEMENTS)}`,
        principalType: "agent",
        agentId: id,
        justification: "bench grant",
        grantedById: "admin",
        createdAt: old,
      });
    }
  }
  // Tool calls in the last 90 days, for the inbox's usage evidence.
  for (let n = 0; n < TOOL_CALLS; n++) {
    const i = (n * 37) % AGENTS;
    const e = (i * 7) % ENTITLEMENTS;
    const at = new Date(now.getTime() - ((n % 85) + 1) * DAY);
    AuditEvent.push({
      id: timeOrderedId(at.getTime()),
      occurredAt: at,
      stream: "gateway",
      seq: n + 1,
      actorType: "agent",
      actorId: `a${pad(i)}`,
      action: "tool.called",
      targetType: "tool",
      targetId: `t${pad(e % SERVERS)}-${pad(Math.floor(e / SERVERS) % (TOOLS_PER_SERVER - TOOLS_PER_ENTITLEMENT))}`,
      decision: "allow",
      prevHash: "0",
      hash: "0",
    });
  }
  return { User, UserRole, McpServer, Tool, Agent, Entitlement, EntitlementTool, Assignment, AuditEvent };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function time(fn: () => Promise<unknown>): Promise<{ p50: number; p95: number; p99: number }> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p95: percentile(samples, 95), p99: percentile(samples, 99) };
}

interface Line {
  db: string;
  what: string;
  p50: number;
  p95: number;
  p99: number;
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
      "UserRole",
      "McpServer",
      "Tool",
      "Agent",
      "Entitlement",
      "EntitlementTool",
      "Assignment",
      "AuditEvent",
    ] as const) {
      await writer.insert(table, T[table], rows[table] ?? []);
    }
    await writer.exec("ANALYZE");
  } finally {
    await writer.close();
  }
  const db: Db = createDb(fresh.config);
  const admin: Principal = {
    kind: "user",
    userId: "admin",
    email: "admin@bench.example",
    displayName: "Admin",
    roles: ["admin"],
    consoleSessionId: "bench",
  };
  const lines: Line[] = [];
  try {
    const { id } = await createCampaign(
      db,
      admin,
      {
        name: "Bench campaign",
        scope: {},
        reviewerPolicy: "named",
        namedReviewerIds: Array.from({ length: REVIEWERS }, (_, i) => `r${pad(i)}`),
        fallbackReviewerId: "r00000",
        dueAt: new Date(now.getTime() + 30 * DAY),
      },
      now,
    );
    const t0 = performance.now();
    let lastPrinted = -1;
    const result = await launchCampaign(db, admin, id, {
      now,
      onProgress: ({ done, total }) => {
        const pct = total === 0 ? 100 : Math.floor((done / total) * 10) * 10;
        if (pct !== lastPrinted) {
          lastPrinted = pct;
          console.log(
            `  ${provider} launch: ${done.toLocaleString("en")} / ${total.toLocaleString("en")} items (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
          );
        }
      },
    });
    const launchMs = performance.now() - t0;
    if (result.items !== AGENTS * GRANTS_PER_AGENT)
      throw new Error(`expected ${AGENTS * GRANTS_PER_AGENT} items, got ${result.items}`);
    lines.push({
      db: provider,
      what: `launch over ${result.items.toLocaleString("en")} assignments (one run)`,
      p50: launchMs,
      p95: launchMs,
      p99: launchMs,
      target: TARGET.launchMs,
    });

    // As autovacuum / SQLite's optimizer would after a 50k-row insert: plans need the new table's statistics.
    await db.$executeRawUnsafe("ANALYZE");
    const reviewer = "r00003";
    const held = await db.reviewItem.count({ where: { reviewerId: reviewer } });
    const first = await reviewerInbox(db, reviewer, { now });
    if (first.items.length !== 50 || !first.nextCursor) throw new Error("expected a full first inbox page");
    // A cursor half-way through the reviewer's items.
    const middle = await db.reviewItem.findFirst({
      where: { reviewerId: reviewer },
      orderBy: { id: "asc" },
      skip: Math.floor(held / 2),
      select: { id: true },
    });
    lines.push({
      db: provider,
      what: `reviewer inbox, first page (${held.toLocaleString("en")} items held)`,
      ...(await time(() => reviewerInbox(db, reviewer, { now }))),
      target: TARGET.inboxMs,
    });
    lines.push({
      db: provider,
      what: "reviewer inbox, keyset page half-way",
      ...(await time(() => reviewerInbox(db, reviewer, { now, cursor: middle?.id }))),
      target: TARGET.inboxMs,
    });
  } finally {
    await db.$disconnect();
  }
  return lines;
}

async function main(): Promise<void> {
  const now = new Date();
  const all: Line[] = [];
  for (const make of [freshSqlite, freshPostgres]) {
    const fresh = await make();
    try {
      console.log(`bench: loading ${fresh.config.provider}…`);
      all.push(...(await benchOne(fresh, now)));
    } finally {
      await fresh.drop();
    }
  }
  const ms = (v: number) => v.toFixed(1).padStart(9);
  const width = Math.max(...all.map((l) => l.what.length));
  console.log(
    `\nload average ${loadavg()
      .map((v) => v.toFixed(1))
      .join(" ")} (wall-clock ms; inbox: ${RUNS} runs after ${WARMUP} warm-up)`,
  );
  console.log(`${"database".padEnd(10)} ${"what".padEnd(width)}       p50       p95       p99   target  p95 ok`);
  for (const l of all) {
    console.log(
      `${l.db.padEnd(10)} ${l.what.padEnd(width)} ${ms(l.p50)} ${ms(l.p95)} ${ms(l.p99)}  ≤${String(l.target).padStart(6)}  ${l.p95 <= l.target ? "yes" : "NO"}`,
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
