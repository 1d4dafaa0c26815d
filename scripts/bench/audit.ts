/**
 * The audit trail at scale: `npm run bench:audit`.
 *
 *   1. generates the data set (AUDIT_BENCH_SQLITE_EVENTS, default 1M; AUDIT_BENCH_PG_EVENTS, default 1M —
 *      the issue's 10M on PostgreSQL is AUDIT_BENCH_PG_EVENTS=10000000) on fresh databases, timing it;
 *   2. filtered timeline pages (first page and the next one) for typical investigator filters: p50/p95;
 *   3. a streamed JSON Lines export of the newest AUDIT_BENCH_EXPORT_EVENTS (default 1M) events, with time and RSS sampled;
 *   4. the retention job removing the oldest AUDIT_BENCH_PURGE_DAYS (default 30) days, timed;
 *   5. client_credentials mints against the protocol server, alone and while a second load appends
 *      audit events (AUDIT_BENCH_APPEND_RATE per second, default 1000): throughput with and without.
 *
 * AUDIT_BENCH_STORES=sqlite,postgresql picks the stores; BENCH_SECONDS the mint load per case (default 30, in alternating rounds of about 5 s).
 * The machine is shared and the load generator runs in this process: compare ratios, not absolute figures.
 */
import { createHash, randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { exportAuditEvents } from "@/lib/audit/export";
import type { AuditFilter } from "@/lib/audit/filters";
import { listAuditEvents } from "@/lib/audit/list-events";
import { purgeExpiredAuditEvents } from "@/lib/audit/retention";
import { openBulkWriter } from "@/lib/db/bulk-insert";
import { createDb, type Db } from "@/lib/db/client";
import { CallAuditWriter } from "@/lib/gateway/call-audit";
import type { GatewayCaller } from "@/lib/gateway/caller";
import type { GatewayServer, GatewayTool } from "@/lib/gateway/directory";
import { gatewaySettings } from "@/lib/gateway/settings";
import { decodeCursor } from "@/lib/pagination/keyset";
import { createOAuthContext } from "@/lib/oauth/create-context";
import { createProtocolServer } from "@/server/protocol-server";
import { freshDatabase, type Provider as Store } from "@/tests/support/databases";
import { writeAuditDataSet, type AuditDataSet } from "./audit-data";

process.env.MANDATE_MASTER_KEY ??= randomBytes(32).toString("base64url");
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const STORES = (process.env.AUDIT_BENCH_STORES ?? "sqlite,postgresql").split(",") as Store[];
const EVENTS: Record<Store, number> = {
  sqlite: Number(process.env.AUDIT_BENCH_SQLITE_EVENTS ?? 1_000_000),
  postgresql: Number(process.env.AUDIT_BENCH_PG_EVENTS ?? 1_000_000),
};
const APPEND_RATE = Number(process.env.AUDIT_BENCH_APPEND_RATE ?? 1000);
const EXPORT_EVENTS = Number(process.env.AUDIT_BENCH_EXPORT_EVENTS ?? 1_000_000);
const PURGE_DAYS = Number(process.env.AUDIT_BENCH_PURGE_DAYS ?? 30);
const DAY = 86_400_000;

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;
const quantile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;

/** AuditEvent's secondary indexes (name and DDL): dropped for the load and built once after it, as a restore would. */
async function secondaryIndexes(store: Store, db: Db): Promise<{ name: string; sql: string }[]> {
  return store === "sqlite"
    ? db.$queryRawUnsafe(
        `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'AuditEvent' AND sql IS NOT NULL`,
      )
    : db.$queryRawUnsafe(
        `SELECT indexname AS name, indexdef AS sql FROM pg_indexes WHERE tablename = 'AuditEvent' AND indexname <> 'AuditEvent_pkey'`,
      );
}

async function generate(store: Store, db: Db, config: Parameters<typeof openBulkWriter>[0]): Promise<AuditDataSet> {
  const indexes = await secondaryIndexes(store, db);
  const writer = await openBulkWriter(config);
  const started = performance.now();
  try {
    for (const i of indexes) await writer.exec(`DROP INDEX "${i.name}"`);
    const set = await writeAuditDataSet(writer, {
      count: EVENTS[store],
      days: 90,
      now: Date.now(),
      progress: (n) => {
        if (n % 200_000 === 0)
          process.stdout.write(
            `  ${store}: ${n.toLocaleString("en-US")} events written (${((performance.now() - started) / 1000).toFixed(0)} s)\n`,
          );
      },
    });
    const indexing = performance.now();
    if (writer.provider === "postgresql") await writer.exec(`SET maintenance_work_mem = '1GB'`);
    for (const i of indexes) await writer.exec(i.sql);
    console.log(
      `  ${store}: built ${indexes.length} indexes in ${((performance.now() - indexing) / 1000).toFixed(1)} s`,
    );
    if (writer.provider === "postgresql") await writer.exec(`ANALYZE "AuditEvent"`);
    else await writer.exec("ANALYZE");
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `${store}: generated ${set.count.toLocaleString("en-US")} chained events in ${seconds.toFixed(1)} s (${Math.round(set.count / seconds).toLocaleString("en-US")}/s)`,
    );
    return set;
  } finally {
    await writer.close();
    void db;
  }
}

async function pages(store: Store, db: Db, set: AuditDataSet): Promise<void> {
  const span = set.to - set.from;
  const filters: [string, AuditFilter, string?][] = [
    ["no filter", {}],
    ["decision=deny", { decision: "deny" }],
    ["action=token.minted", { actions: ["token.minted"] }],
    ["actor (agent id)", { actor: set.sampleActor }],
    ["target (tool id)", { target: set.sampleTarget }],
    ["session", { session: set.sampleSession }],
    ["last 7 days + deny + tool.*", { from: new Date(set.to - 7 * DAY), decision: "deny", actions: ["tool.*"] }],
    ["1-day window mid-trail", { from: new Date(set.from + span / 2), to: new Date(set.from + span / 2 + DAY) }],
    ["text 'revoked' in last 3 days", { from: new Date(set.to - 3 * DAY) }, "revoked"],
  ];
  const all: number[] = [];
  for (const [label, filter, q] of filters) {
    const times: number[] = [];
    for (let i = 0; i < 15; i++) {
      let t = performance.now();
      const first = await listAuditEvents(db, { limit: 50, ...(q ? { q } : {}) }, filter);
      times.push(performance.now() - t);
      if (first.nextCursor) {
        t = performance.now();
        await listAuditEvents(db, { limit: 50, after: decodeCursor(first.nextCursor)!, ...(q ? { q } : {}) }, filter);
        times.push(performance.now() - t);
      }
    }
    times.sort((a, b) => a - b);
    all.push(...times);
    console.log(
      `  ${store} page [${label}]: p50 ${quantile(times, 0.5).toFixed(1)} ms, p95 ${quantile(times, 0.95).toFixed(1)} ms`,
    );
  }
  all.sort((a, b) => a - b);
  console.log(
    `${store}: filtered page over ${set.count.toLocaleString("en-US")} events — all filters p50 ${quantile(all, 0.5).toFixed(1)} ms, p95 ${quantile(all, 0.95).toFixed(1)} ms (${all.length} pages)`,
  );
}

/** The newest EXPORT_EVENTS events (the data set is spread evenly over its span), or every event when there are fewer. */
function exportFilter(set: AuditDataSet): AuditFilter {
  if (set.count <= EXPORT_EVENTS) return {};
  return { from: new Date(set.to - ((set.to - set.from) * EXPORT_EVENTS) / set.count) };
}

async function exportRange(store: Store, db: Db, set: AuditDataSet): Promise<void> {
  const filter = exportFilter(set);
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  const started = performance.now();
  let bytes = 0;
  let lines = 0;
  // RSS at each tenth of the export: flat means memory does not grow with the number of events exported.
  const expected = Math.min(EXPORT_EVENTS, set.count);
  const tenths: string[] = [];
  for await (const chunk of exportAuditEvents(db, filter, "jsonl", { productVersion: "bench" })) {
    bytes += Buffer.byteLength(chunk);
    for (let i = chunk.indexOf("\n"); i !== -1; i = chunk.indexOf("\n", i + 1)) lines++;
    // Also per chunk: on SQLite the reads are synchronous and the interval sampler may never get a turn.
    const rss = process.memoryUsage().rss;
    peak = Math.max(peak, rss);
    while (tenths.length < 10 && lines >= ((tenths.length + 1) * expected) / 10)
      tenths.push(mb(rss).replace(" MB", ""));
  }
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${store}: exported ${lines.toLocaleString("en-US")} events${filter.from ? " (the newest, by a time filter)" : ""} as JSON Lines (${mb(bytes)}) in ${seconds.toFixed(1)} s (${Math.round(lines / seconds).toLocaleString("en-US")}/s); RSS ${mb(before)} before, ${mb(peak)} peak`,
  );
  console.log(`  ${store}: RSS (MB) at each tenth of the export: ${tenths.join(" ")}`);
}

/**
 * Retention: the oldest AUDIT_BENCH_PURGE_DAYS days of the data set's span removed by the retention job (batched
 * deletes by (stream, seq) through the unique index, the removal recorded as an event), timed, with the
 * number of rows removed.
 */
async function purgeOldest(store: Store, db: Db, set: AuditDataSet): Promise<void> {
  const spanDays = (set.to - set.from) / DAY;
  const keepDays = Math.max(1, Math.round(spanDays - PURGE_DAYS));
  const started = performance.now();
  const result = await purgeExpiredAuditEvents(db, { now: new Date(set.to), retentionDays: keepDays });
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${store}: retention kept the last ${keepDays} of ${spanDays.toFixed(0)} days: removed ${result.removed.toLocaleString("en-US")} events in ${seconds.toFixed(1)} s ` +
      `(${Math.round(result.removed / seconds).toLocaleString("en-US")}/s, batches of 10,000, recorded as event ${result.eventId})`,
  );
}

async function mintLoad(url: string, basic: string, seconds: number): Promise<number> {
  let ok = 0;
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (Date.now() < end) {
        const r = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", authorization: basic },
          body: new URLSearchParams({ grant_type: "client_credentials", resource: "https://mcp.bench.example/docs" }),
        }).catch(() => null);
        if (r) await r.arrayBuffer();
        if (r?.status === 200) ok++;
      }
    }),
  );
  return ok / seconds;
}

/**
 * Appends tool-call events at `rate`/s through the gateway's own audit writer (CallAuditWriter: batched,
 * chained, off the request path, with the session usage update), as a busy gateway in the same instance
 * would, until `stop`. Returns the rate actually written.
 */
async function appendLoad(
  db: Db,
  server: GatewayServer,
  tool: GatewayTool,
  sessionId: string,
  rate: number,
  stop: () => boolean,
): Promise<number> {
  const settings = gatewaySettings();
  const writer = new CallAuditWriter(db, {
    flushMs: settings.auditFlushMs,
    batchSize: settings.auditBatchSize,
    maxBacklog: settings.auditMaxBacklog,
  });
  const caller: GatewayCaller = {
    clientId: "bench-appender",
    userSubject: null,
    sessionId,
    jti: "bench",
    audience: server.resourceUri,
    scopes: new Set([tool.scope]),
    tools: new Set([tool.name]),
    expiresAtMs: Date.now() + 3_600_000,
  };
  let added = 0;
  const started = Date.now();
  while (!stop()) {
    const due = Math.floor(((Date.now() - started) / 1000) * rate);
    for (; added < due; added++) {
      writer.add({
        allowed: true,
        server,
        caller,
        toolName: tool.name,
        tool,
        reason: "scope granted",
        latencyMs: 1,
        upstreamStatus: 200,
        loggedArguments: {},
        requestId: null,
        clientAddress: "127.0.0.1",
        occurredAt: new Date(),
      });
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  await writer.flush();
  return added / ((Date.now() - started) / 1000);
}

async function appendUnderTokenLoad(store: Store, db: Db): Promise<void> {
  const server = await db.mcpServer.create({
    data: { name: "Docs", slug: "docs", resourceUri: "https://mcp.bench.example/docs", enforcementMode: "gateway" },
  });
  const tool = await db.tool.create({
    data: { serverId: server.id, name: "read_doc", scope: "docs.read", status: "approved" },
  });
  const ent = await db.entitlement.create({
    data: { name: "docs", serverId: server.id, tools: { create: [{ toolId: tool.id }] } },
  });
  const secret = randomBytes(16).toString("hex");
  const agent = await db.agent.create({
    data: {
      clientId: "bench-basic",
      name: "bench-basic",
      kind: "autonomous",
      authMethod: "client_secret_basic",
      clientSecretHash: createHash("sha256").update(secret).digest("hex"),
      allowedGrantTypes: "client_credentials",
    },
  });
  await db.assignment.create({
    data: { entitlementId: ent.id, principalType: "agent", agentId: agent.id, justification: "bench" },
  });
  const ctx = createOAuthContext(db, { issuer: "http://placeholder" });
  const http = createProtocolServer(ctx);
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  ctx.issuer = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const url = `${ctx.issuer}/oauth/token`;
  const basic = `Basic ${Buffer.from(`bench-basic:${secret}`).toString("base64")}`;
  try {
    // Warm-up: signing keys, JIT.
    for (let i = 0; i < 50; i++)
      await (
        await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", authorization: basic },
          body: "grant_type=client_credentials&resource=https%3A%2F%2Fmcp.bench.example%2Fdocs",
        })
      ).arrayBuffer();
    const session = await db.agentSession.findFirstOrThrow({ where: { agentId: agent.id }, select: { id: true } });
    const gatewayServer: GatewayServer = {
      id: server.id,
      name: server.name,
      slug: server.slug,
      resourceUri: server.resourceUri,
      upstreamUrl: new URL("http://127.0.0.1:1/"),
      credential: null,
      argumentLogging: "none",
      tools: new Map(),
      scopes: ["docs.read"],
    };
    const gatewayTool: GatewayTool = {
      id: tool.id,
      name: tool.name,
      scope: tool.scope,
      risk: tool.risk,
      approved: true,
    };
    // Rounds alternate (alone, with appends) so that drift on a shared machine (autovacuum after the load,
    // other processes) falls on both alike; BENCH_SECONDS is split into ROUNDS of each.
    const ROUNDS = Math.max(3, Math.round(SECONDS / 5));
    const perRound = SECONDS / ROUNDS;
    let alone = 0;
    let withAppends = 0;
    let appended = 0;
    // Each pair of neighbouring rounds (alone, then with appends) gives one change; their median and range show
    // how much of the mean's figure is the shared machine's noise.
    const pairChanges: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const a = await mintLoad(url, basic, perRound);
      let done = false;
      const appending = appendLoad(db, gatewayServer, gatewayTool, session.id, APPEND_RATE, () => done);
      const w = await mintLoad(url, basic, perRound);
      done = true;
      appended += (await appending) / ROUNDS;
      alone += a / ROUNDS;
      withAppends += w / ROUNDS;
      pairChanges.push(((w - a) / a) * 100);
    }
    const change = ((withAppends - alone) / alone) * 100;
    const pct = (v: number) => `${v >= 0 ? "+" : ""}${v.toFixed(1)}%`;
    const sortedPairs = [...pairChanges].sort((x, y) => x - y);
    console.log(
      `${store}: client_credentials mints ${alone.toFixed(0)}/s alone, ${withAppends.toFixed(0)}/s while the gateway audit writer appends ${appended.toFixed(0)} tool-call events/s (${pct(change)}; ${ROUNDS} alternating rounds of ${perRound.toFixed(1)} s each; per pair of rounds: median ${pct(quantile(sortedPairs, 0.5))}, from ${pct(sortedPairs[0]!)} to ${pct(sortedPairs.at(-1)!)})  [target ≥ -10%]`,
    );
  } finally {
    http.closeAllConnections();
    http.close();
  }
}

async function main(): Promise<void> {
  console.log(`audit bench — shared 2-core machine, load generator in-process; BENCH_SECONDS=${SECONDS}`);
  for (const store of STORES) {
    const fresh = await freshDatabase(store);
    const db = createDb(fresh.config);
    try {
      const set = await generate(store, db, fresh.config);
      await pages(store, db, set);
      await exportRange(store, db, set);
      if (PURGE_DAYS > 0) await purgeOldest(store, db, set);
      // The purge leaves dead rows that autovacuum would clean up during the mint rounds, slowing whichever rounds it
      // overlaps: vacuumed here, as it would have been long before the next purge.
      if (store === "postgresql") await db.$executeRawUnsafe(`VACUUM (ANALYZE) "AuditEvent"`);
      await appendUnderTokenLoad(store, db);
    } finally {
      await db.$disconnect();
      await fresh.drop();
    }
  }
  process.exit(0);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
