import { describe, expect, it } from "vitest";
import { recordAudit, type AuditInput } from "@/lib/audit/record";
import { recordAuditBatch } from "@/lib/audit/record-batch";
import { verifyAuditChain } from "@/lib/audit/verify";
import type { GatewayCaller } from "@/lib/gateway/caller";
import { CallAuditWriter, type ToolCallRecord } from "@/lib/gateway/call-audit";
import { toolCallStoreFor, type ToolCallStore } from "@/lib/db/stores/tool-calls";
import type { GatewayServer } from "@/lib/gateway/directory";
import { auditStreamsOf, chainAuditBatch } from "@/lib/audit/record-batch";
import { insertPostgresAuditRows, lockAuditStreams } from "@/lib/db/stores/audit/postgres";
import { pgWriter } from "@/lib/db/pg-writer";
import { appendAfterHead, postgresToolCallStore } from "@/lib/db/stores/tool-calls/postgres";
import { PROVIDERS } from "../support/databases";
import { suiteDatabase } from "../support/suite-database";

const call = (i: number, over: Partial<AuditInput> = {}): AuditInput => ({
  action: "tool.called",
  actorType: "agent",
  actorId: "agent-1",
  actorLabel: "bench",
  targetType: "tool",
  targetId: "tool-1",
  targetLabel: `Docs / read_doc`,
  decision: "allow",
  reason: "scope docs.read granted",
  sessionId: "s-1",
  requestId: `r-${i}`,
  clientAddress: "127.0.0.1",
  occurredAt: new Date(Date.UTC(2026, 0, 1, 12, 0, 0, i)),
  detail: { tool: "read_doc", n: i, quote: `it's "quoted" \\ and {braced}`, nested: { ok: true } },
  ...over,
});

describe.each(PROVIDERS)("batched audit append on %s", (provider) => {
  const suite = suiteDatabase(provider);

  it("appends the same chain recordAudit would, interleaved with single appends and across streams, and reads back intact", async () => {
    await suite.db.$transaction((tx) => recordAudit(tx, call(0)));
    const batch = [
      call(1),
      call(2, { action: "tool.call_refused", decision: "deny", detail: null }),
      call(3, { action: "agent.registered", actorType: "user", sessionId: null }),
    ];
    const recorded = await suite.db.$transaction((tx) => recordAuditBatch(tx, batch));
    await suite.db.$transaction((tx) => recordAudit(tx, call(4)));
    const big = Array.from({ length: 1700 }, (_, i) => call(10 + i)); // beyond one SQLite statement's parameter limit
    await suite.db.$transaction((tx) => recordAuditBatch(tx, big));

    expect((await verifyAuditChain(suite.db)).firstBroken).toBeNull();
    const gateway = await suite.db.auditEvent.findMany({ where: { stream: "gateway" }, orderBy: { seq: "asc" } });
    expect(gateway.map((e) => e.seq)).toEqual(Array.from({ length: gateway.length }, (_, i) => i + 1));
    expect(gateway).toHaveLength(1 + 2 + 1 + 1700);
    const first = recorded[0]!;
    const row = await suite.db.auditEvent.findUniqueOrThrow({ where: { id: first.id } });
    expect(row).toMatchObject({
      action: "tool.called",
      actorType: "agent",
      decision: "allow",
      requestId: "r-1",
      prevHash: first.prevHash,
      hash: first.hash,
    });
    expect(row.occurredAt.toISOString()).toBe("2026-01-01T12:00:00.001Z");
    expect(row.detail).toEqual({
      tool: "read_doc",
      n: 1,
      quote: `it's "quoted" \\ and {braced}`,
      nested: { ok: true },
    });
    expect((await suite.db.auditEvent.findUniqueOrThrow({ where: { id: recorded[1]!.id } })).detail).toBeNull();
  });

  it("writes the gateway's tool-call events chained, with each session's call count and last use", async () => {
    const srv = await suite.db.mcpServer.create({
      data: { name: "Usage", slug: "usage", resourceUri: "https://usage.example/mcp", enforcementMode: "gateway" },
    });
    const agent = await suite.db.agent.create({
      data: {
        clientId: "usage-agent",
        name: "usage-agent",
        kind: "autonomous",
        authMethod: "client_secret_basic",
        allowedGrantTypes: "client_credentials",
      },
    });
    const started = new Date(Date.UTC(2026, 0, 2));
    const sessions = await Promise.all(
      [0, 1].map((k) =>
        suite.db.agentSession.create({
          data: {
            id: `usage-session-${k}`,
            agentId: agent.id,
            serverId: srv.id,
            scopes: "docs.read",
            grantType: "client_credentials",
            expiresAt: new Date(Date.now() + 3_600_000),
            lastUsedAt: started,
          },
        }),
      ),
    );
    const server = { id: srv.id, name: srv.name, tools: new Map() } as unknown as GatewayServer;
    const record = (i: number, sessionId: string, allowed: boolean): ToolCallRecord => ({
      allowed,
      server,
      caller: {
        clientId: "usage-agent",
        userSubject: null,
        sessionId,
        jti: `j-${i}`,
        audience: srv.resourceUri,
        scopes: new Set(),
        tools: new Set(),
        expiresAtMs: 0,
      },
      toolName: "read_doc",
      tool: null,
      reason: allowed ? "scope granted" : "scope not granted",
      latencyMs: 2,
      upstreamStatus: allowed ? 200 : null,
      loggedArguments: {},
      requestId: `usage-${i}`,
      clientAddress: "127.0.0.1",
      occurredAt: new Date(started.getTime() + 1000 * (i + 1)),
    });
    const writer = new CallAuditWriter(suite.db, { flushMs: 10_000, batchSize: 4, maxBacklog: 1000 });
    // Seven allowed calls on the first session, two on the second, one refusal (not a use) on the second.
    for (let i = 0; i < 7; i++) writer.add(record(i, sessions[0]!.id, true));
    writer.add(record(7, sessions[1]!.id, true));
    writer.add(record(8, sessions[1]!.id, false));
    writer.add(record(9, sessions[1]!.id, true));
    await writer.flush();
    expect(writer.backlog).toBe(0);

    const events = await suite.db.auditEvent.findMany({
      where: { requestId: { startsWith: "usage-" } },
      orderBy: { seq: "asc" },
    });
    expect(events.map((e) => [e.requestId, e.action, e.actorId])).toEqual(
      Array.from({ length: 10 }, (_, i) => [`usage-${i}`, i === 8 ? "tool.call_refused" : "tool.called", agent.id]),
    );
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 10 }, (_, i) => events[0]!.seq + i));
    expect((await verifyAuditChain(suite.db)).firstBroken).toBeNull();
    const after = await suite.db.agentSession.findMany({
      where: { id: { in: sessions.map((x) => x.id) } },
      select: { id: true, toolCallCount: true, lastUsedAt: true },
    });
    const byId = new Map(after.map((a) => [a.id, a]));
    expect(byId.get(sessions[0]!.id)).toMatchObject({
      toolCallCount: 7,
      lastUsedAt: new Date(started.getTime() + 7000),
    });
    expect(byId.get(sessions[1]!.id)).toMatchObject({
      toolCallCount: 2,
      lastUsedAt: new Date(started.getTime() + 10_000),
    });
  });

  it("keeps tool-call events that failed to write and writes them once the store is back", async () => {
    const server = { id: "srv", name: "Docs", tools: new Map() } as unknown as GatewayServer;
    const caller: GatewayCaller = {
      clientId: "c",
      userSubject: null,
      sessionId: "s-x",
      jti: "j",
      audience: "a",
      scopes: new Set(),
      tools: new Set(),
      expiresAtMs: 0,
    };
    const record = (i: number): ToolCallRecord => ({
      allowed: false,
      server,
      caller,
      toolName: `t${i}`,
      tool: null,
      reason: "test",
      latencyMs: 1,
      upstreamStatus: null,
      loggedArguments: {},
      requestId: `retry-${i}`,
      clientAddress: null,
      occurredAt: new Date(),
    });
    // The writer's own store (the driver path), failing while "the store is unreachable".
    let failing = true;
    const real = toolCallStoreFor(suite.db);
    const flaky: ToolCallStore = {
      write: (inputs, usage) => (failing ? Promise.reject(new Error("store unreachable")) : real.write(inputs, usage)),
    };
    const writer = new CallAuditWriter(suite.db, { flushMs: 10_000, batchSize: 1000, maxBacklog: 3 }, flaky);
    for (let i = 0; i < 3; i++) writer.add(record(i));
    await writer.flush();
    expect(writer.backlog).toBe(3); // not dropped
    expect(writer.accepting).toBe(false); // the gateway now refuses new calls
    failing = false;
    await writer.flush();
    expect(writer.backlog).toBe(0);
    expect(await suite.db.auditEvent.count({ where: { requestId: { startsWith: "retry-" } } })).toBe(3);
    expect(writer.accepting).toBe(true);
  });
});

describe.each(PROVIDERS)("the gateway's audit writer's flush timer on %s", (provider) => {
  const suite = suiteDatabase(provider);
  const FLUSH_MS = 20;
  const WRITE_DELAY_MS = 60;
  const server = { id: "srv", name: "Docs", tools: new Map() } as unknown as GatewayServer;
  const caller: GatewayCaller = {
    clientId: "c",
    userSubject: null,
    sessionId: "s-timer",
    jti: "j",
    audience: "a",
    scopes: new Set(),
    tools: new Set(),
    expiresAtMs: 0,
  };
  const record = (requestId: string): ToolCallRecord => ({
    allowed: false,
    server,
    caller,
    toolName: "read_doc",
    tool: null,
    reason: "test",
    latencyMs: 1,
    upstreamStatus: null,
    loggedArguments: {},
    requestId,
    clientAddress: null,
    occurredAt: new Date(),
  });
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it("writes every event of a trickle after a burst within the flush interval (plus the write itself)", async () => {
    // The real store, slowed down so that flushes overlap the timer armed by events arriving meanwhile.
    const real = toolCallStoreFor(suite.db);
    const writtenAt = new Map<string, number>();
    const slow: ToolCallStore = {
      async write(inputs, usage) {
        await sleep(WRITE_DELAY_MS);
        await real.write(inputs, usage);
        for (const i of inputs) writtenAt.set(i.requestId!, performance.now());
      },
    };
    const writer = new CallAuditWriter(suite.db, { flushMs: FLUSH_MS, batchSize: 512, maxBacklog: 100_000 }, slow);
    // The burst: events keep arriving while the first flushes write.
    for (let k = 0; k < 12; k++) {
      for (let i = 0; i < 25; i++) writer.add(record(`burst-${k}-${i}`));
      await sleep(FLUSH_MS / 2);
    }
    for (let waited = 0; writer.backlog > 0 && waited < 10_000; waited += 10) await sleep(10);
    expect(writer.backlog).toBe(0);
    // The trickle: one event at a time, each after the writer went quiet.
    const lateness: number[] = [];
    for (let k = 0; k < 6; k++) {
      await sleep(4 * WRITE_DELAY_MS);
      const id = `trickle-${k}`;
      const added = performance.now();
      writer.add(record(id));
      // Generous against a loaded machine: the defect left it unwritten for good.
      for (let waited = 0; !writtenAt.has(id) && waited < 3000; waited += 5) await sleep(5);
      lateness.push((writtenAt.get(id) ?? Infinity) - added);
    }
    expect(lateness.every((ms) => ms < FLUSH_MS + WRITE_DELAY_MS + 1000)).toBe(true);
    expect(writer.backlog).toBe(0);
    expect(await suite.db.auditEvent.count({ where: { requestId: { startsWith: "burst-" } } })).toBe(300);
  });

  it("retries a failed write on its own, also when events arrived while it was failing", async () => {
    const real = toolCallStoreFor(suite.db);
    let failures = 2;
    const flaky: ToolCallStore = {
      async write(inputs, usage) {
        await sleep(WRITE_DELAY_MS);
        if (failures-- > 0) throw new Error("store unreachable");
        await real.write(inputs, usage);
      },
    };
    const writer = new CallAuditWriter(suite.db, { flushMs: FLUSH_MS, batchSize: 512, maxBacklog: 1000 }, flaky);
    writer.add(record("retried-0"));
    await sleep(FLUSH_MS + WRITE_DELAY_MS / 2); // the first write is failing now
    writer.add(record("retried-1"));
    for (let waited = 0; writer.backlog > 0 && waited < 5000; waited += 10) await sleep(10);
    expect(writer.backlog).toBe(0);
    expect(await suite.db.auditEvent.count({ where: { requestId: { in: ["retried-0", "retried-1"] } } })).toBe(2);
  });
});

describe("audit stream locks in BEGIN's round trip on postgresql", () => {
  const suite = suiteDatabase("postgresql");

  it("reads the head only once the lock is held, so a writer that waited chains onto the one it waited for", async () => {
    if (suite.fresh.config.provider !== "postgresql") throw new Error("expected postgresql");
    const first = pgWriter(suite.fresh.config.url, 1);
    const second = pgWriter(suite.fresh.config.url, 1);
    const locks = lockAuditStreams(auditStreamsOf([call(0)]));
    let releaseFirst!: () => void;
    const firstHolds = new Promise<void>((r) => (releaseFirst = r));
    let firstLocked!: () => void;
    const locked = new Promise<void>((r) => (firstLocked = r));

    const a = first.transaction(
      async (client, opened) => {
        firstLocked();
        await firstHolds;
        await insertPostgresAuditRows(client, chainAuditBatch([call(1, { requestId: "lock-a" })], locks.heads(opened)));
      },
      { openWith: locks.sql },
    );
    await locked;
    // The second writer's BEGIN, lock and head read go out together while the first holds the lock.
    const b = second.transaction(
      async (client, opened) => {
        await insertPostgresAuditRows(client, chainAuditBatch([call(2, { requestId: "lock-b" })], locks.heads(opened)));
      },
      { openWith: locks.sql },
    );
    await new Promise((r) => setTimeout(r, 200));
    releaseFirst();
    await Promise.all([a, b]);

    const [ea, eb] = await Promise.all(
      ["lock-a", "lock-b"].map((requestId) => suite.db.auditEvent.findFirstOrThrow({ where: { requestId } })),
    );
    expect(eb!.seq).toBe(ea!.seq + 1);
    expect(eb!.prevHash).toBe(ea!.hash);
    expect((await verifyAuditChain(suite.db)).firstBroken).toBeNull();
  });

  it("rolls back the whole batch when one of its statements fails, and the connection is usable afterwards", async () => {
    if (suite.fresh.config.provider !== "postgresql") throw new Error("expected postgresql");
    const writer = pgWriter(suite.fresh.config.url, 1);
    const locks = lockAuditStreams(auditStreamsOf([call(0)]));
    const attempt = writer.transaction(
      async (client, opened) => {
        const rows = chainAuditBatch(
          [call(3, { requestId: "rollback-1" }), call(4, { requestId: "rollback-2" })],
          locks.heads(opened),
        );
        // The second insert repeats the first's (stream, seq): it fails after the first succeeded.
        await insertPostgresAuditRows(client, rows.slice(0, 1));
        await insertPostgresAuditRows(client, [{ ...rows[1]!, seq: rows[0]!.seq }]);
      },
      { openWith: locks.sql },
    );
    await expect(attempt).rejects.toThrow();
    expect(await suite.db.auditEvent.count({ where: { requestId: { startsWith: "rollback-" } } })).toBe(0);
    // The connection is usable again afterwards.
    await writer.transaction(
      async (client, opened) => {
        await insertPostgresAuditRows(
          client,
          chainAuditBatch([call(5, { requestId: "rollback-3" })], locks.heads(opened)),
        );
      },
      { openWith: locks.sql },
    );
    expect(await suite.db.auditEvent.count({ where: { requestId: { startsWith: "rollback-" } } })).toBe(1);
    expect((await verifyAuditChain(suite.db)).firstBroken).toBeNull();
  });

  it("chains a batch onto a known head in one statement only while that head is the stream's last event", async () => {
    if (suite.fresh.config.provider !== "postgresql") throw new Error("expected postgresql");
    const srv = await suite.db.mcpServer.create({
      data: { name: "Head", slug: "head", resourceUri: "https://head.example/mcp", enforcementMode: "gateway" },
    });
    const agent = await suite.db.agent.create({
      data: {
        clientId: "head-agent",
        name: "head-agent",
        kind: "autonomous",
        authMethod: "client_secret_basic",
        allowedGrantTypes: "client_credentials",
      },
    });
    await suite.db.agentSession.create({
      data: {
        id: "head-session",
        agentId: agent.id,
        serverId: srv.id,
        scopes: "docs.read",
        grantType: "client_credentials",
        expiresAt: new Date(Date.now() + 3_600_000),
      },
    });
    const usage = new Map([["head-session", { calls: 1, lastUsedAt: new Date() }]]);
    const writer = pgWriter(suite.fresh.config.url, 1);
    await suite.db.$transaction((tx) => recordAudit(tx, call(20, { requestId: "head-0" })));
    const last = await suite.db.auditEvent.findFirstOrThrow({ where: { stream: "gateway" }, orderBy: { seq: "desc" } });
    const calls = async () =>
      (await suite.db.agentSession.findUniqueOrThrow({ where: { id: "head-session" } })).toolCallCount;

    // A head that is not in the trail (its hash differs): nothing is written, counters untouched.
    expect(
      await appendAfterHead(
        writer,
        [call(21, { requestId: "head-forged" })],
        { stream: "gateway", seq: last.seq, hash: "0".repeat(64) },
        usage,
      ),
    ).toBeNull();
    // A head that is no longer the last event: the unique (stream, seq) index refuses the batch.
    const before = await suite.db.auditEvent.findFirstOrThrow({ where: { stream: "gateway", seq: last.seq - 1 } });
    expect(
      await appendAfterHead(
        writer,
        [call(22, { requestId: "head-stale" })],
        { stream: "gateway", seq: before.seq, hash: before.hash },
        usage,
      ),
    ).toBeNull();
    expect(await suite.db.auditEvent.count({ where: { requestId: { in: ["head-forged", "head-stale"] } } })).toBe(0);
    expect(await calls()).toBe(0);

    // The true head: the batch is chained onto it, with the session's counters, in the same statement.
    const written = await appendAfterHead(
      writer,
      [call(23, { requestId: "head-1" }), call(24, { requestId: "head-2" })],
      { stream: "gateway", seq: last.seq, hash: last.hash },
      usage,
    );
    expect(written?.map((e) => e.seq)).toEqual([last.seq + 1, last.seq + 2]);
    expect(written?.[0]?.prevHash).toBe(last.hash);
    expect(await calls()).toBe(1);
    expect((await verifyAuditChain(suite.db)).firstBroken).toBeNull();
  });

  it("falls back to the lock when another writer appended after the store's own last batch, and the chain stays whole", async () => {
    if (suite.fresh.config.provider !== "postgresql") throw new Error("expected postgresql");
    const store = postgresToolCallStore(suite.fresh.config.url);
    const other = postgresToolCallStore(suite.fresh.config.url);
    const none = new Map();
    await store.write([call(30, { requestId: "turns-a1" })], none); // reads the head under the lock
    await store.write([call(31, { requestId: "turns-a2" })], none); // chains onto its own head
    await other.write([call(32, { requestId: "turns-b1" })], none); // another instance appends
    await suite.db.$transaction((tx) => recordAudit(tx, call(33, { requestId: "turns-c1" }))); // and a single append
    await store.write([call(34, { requestId: "turns-a3" }), call(35, { requestId: "turns-a4" })], none); // its head is stale now
    await other.write([call(36, { requestId: "turns-b2" })], none);

    const events = await suite.db.auditEvent.findMany({
      where: { requestId: { startsWith: "turns-" } },
      orderBy: { seq: "asc" },
    });
    expect(events.map((e) => e.requestId)).toEqual([
      "turns-a1",
      "turns-a2",
      "turns-b1",
      "turns-c1",
      "turns-a3",
      "turns-a4",
      "turns-b2",
    ]);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 7 }, (_, i) => events[0]!.seq + i));
    for (let i = 1; i < events.length; i++) expect(events[i]!.prevHash).toBe(events[i - 1]!.hash);
    expect((await verifyAuditChain(suite.db)).firstBroken).toBeNull();
  });
});
