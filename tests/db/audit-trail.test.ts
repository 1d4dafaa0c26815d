import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditActivity } from "@/lib/audit/charts";
import { exportAuditEvents } from "@/lib/audit/export";
import type { AuditFilter } from "@/lib/audit/filters";
import { listAuditEvents, traceSession } from "@/lib/audit/list-events";
import { recordAudit } from "@/lib/audit/record";
import { withAuditRequestContext } from "@/lib/audit/request-context";
import { auditRetentionDays, purgeExpiredAuditEvents, setAuditRetentionDays } from "@/lib/audit/retention";
import { verifyAuditChain } from "@/lib/audit/verify";
import { revokeLiveSessionsIn, revokingTransaction } from "@/lib/sessions/revoke-live-sessions";
import { createDb, providerOf, type Db } from "@/lib/db/client";
import type { PageRequest } from "@/lib/pagination/keyset";
import { decodeCursor } from "@/lib/pagination/keyset";
import { tamperWithAudit } from "../support/audit-tamper";
import { seedOrgHistory } from "../support/seeded-history";
import { freshDatabase, PROVIDERS, type FreshDatabase } from "../support/databases";

const DAY = 86_400_000;

async function collect(gen: AsyncGenerator<string>): Promise<string> {
  let out = "";
  for await (const chunk of gen) out += chunk;
  return out;
}

/** Every event id the timeline shows for a filter, walking its keyset pages. */
async function idsInView(db: Db, filter: AuditFilter, limit = 37): Promise<string[]> {
  const ids: string[] = [];
  let request: PageRequest = { limit };
  for (;;) {
    const page = await listAuditEvents(db, request, filter);
    ids.push(...page.rows.map((r) => r.id));
    if (!page.nextCursor) return ids;
    request = { limit, after: decodeCursor(page.nextCursor)! };
  }
}

describe.each(PROVIDERS)("audit trail on %s", (provider) => {
  let fresh: FreshDatabase;
  let db: Db;
  const now = Date.now();

  beforeAll(async () => {
    fresh = await freshDatabase(provider);
    db = createDb(fresh.config);
    await seedOrgHistory(fresh.config, {
      seed: 7,
      people: 60,
      now,
      history: { sessions: 150, events: 1500, windowDays: 20 },
    });
  }, 120_000);

  afterAll(async () => {
    await db?.$disconnect();
    await fresh?.drop();
  });

  it("fills the request id and client address from the console request being served", async () => {
    const e = await withAuditRequestContext({ requestId: "req-123", clientAddress: "192.0.2.7" }, () =>
      db.$transaction((tx) =>
        recordAudit(tx, {
          action: "agent.updated",
          actorType: "user",
          actorLabel: "admin@acme.example",
          decision: "allow",
        }),
      ),
    );
    expect(e).toMatchObject({ requestId: "req-123", clientAddress: "192.0.2.7" });
    const explicit = await withAuditRequestContext({ requestId: "req-outer", clientAddress: "192.0.2.7" }, () =>
      db.$transaction((tx) =>
        recordAudit(tx, {
          action: "token.refused",
          actorType: "agent",
          decision: "deny",
          requestId: "req-own",
          clientAddress: "198.51.100.1",
        }),
      ),
    );
    expect(explicit).toMatchObject({ requestId: "req-own", clientAddress: "198.51.100.1" });
  });

  it("filters the timeline by decision, action, actor, session and text, newest first", async () => {
    const denials = await idsInView(db, { decision: "deny" });
    expect(denials.length).toBeGreaterThan(0);
    const page = await listAuditEvents(db, { limit: 200 }, { decision: "deny", actions: ["tool.*"] });
    expect(page.rows.length).toBeGreaterThan(0);
    for (const r of page.rows) expect(r).toMatchObject({ decision: "deny", action: expect.stringMatching(/^tool\./) });
    const times = page.rows.map((r) => r.occurredAt.getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const someone = page.rows[0]!;
    const byActor = await listAuditEvents(db, { limit: 200 }, { actor: someone.actorLabel! });
    expect(byActor.rows.every((r) => r.actorLabel === someone.actorLabel || r.actorId === someone.actorLabel)).toBe(
      true,
    );
    const byText = await listAuditEvents(db, { limit: 50, q: someone.actorLabel!.slice(1, 6).toUpperCase() });
    expect(byText.rows.some((r) => r.id === someone.id || r.actorLabel === someone.actorLabel)).toBe(true);

    const from = new Date(now - 5 * DAY);
    const to = new Date(now - 2 * DAY);
    const windowed = await idsInView(db, { from, to }, 100);
    const all = await db.auditEvent.count({ where: { occurredAt: { gte: from, lt: to } } });
    expect(windowed.length).toBe(all);
  });

  it("finds everything about one agent by its id — its tool calls, its revoked sessions, changes to it — and the chain still verifies", async () => {
    const session = await db.agentSession.findFirstOrThrow({ where: { status: "active" }, include: { agent: true } });
    const agent = session.agent;
    const other = await db.agent.findFirstOrThrow({ where: { id: { not: agent.id } } });
    const at = new Date(now + 60_000);
    const call = await recordAudit(db, {
      action: "tool.called",
      actorType: "agent",
      actorId: agent.id,
      actorLabel: agent.name,
      targetType: "tool",
      targetId: "tool-x",
      targetLabel: "Some server / read",
      decision: "allow",
      sessionId: session.id,
      serverId: session.serverId,
      occurredAt: at,
    });
    const change = await recordAudit(db, {
      action: "agent.updated",
      actorType: "user",
      actorId: "admin-x",
      actorLabel: "admin@acme.example",
      targetType: "agent",
      targetId: agent.id,
      targetLabel: agent.name,
      decision: "allow",
      occurredAt: at,
    });
    const unrelated = await recordAudit(db, {
      action: "agent.updated",
      actorType: "user",
      actorId: "admin-x",
      actorLabel: "admin@acme.example",
      targetType: "agent",
      targetId: other.id,
      targetLabel: other.name,
      decision: "allow",
      occurredAt: at,
    });
    // Revoked through the one revocation path: the event's target is the session, its subject the agent.
    await revokingTransaction(db, (tx) =>
      revokeLiveSessionsIn(
        tx,
        { actorType: "user", actorId: "oncall-x", actorLabel: "oncall@acme.example" },
        { id: session.id },
        {
          reason: "test",
          now: at,
          operation: { kind: "sessions" },
        },
      ),
    );
    const revoked = await db.auditEvent.findFirstOrThrow({
      where: { action: "session.revoked", sessionId: session.id },
    });
    expect(revoked).toMatchObject({
      targetType: "session",
      targetId: session.id,
      agentId: agent.id,
      serverId: session.serverId,
      personId: session.userId,
    });
    expect(call).toMatchObject({ agentId: agent.id, serverId: session.serverId });
    expect(change.agentId).toBe(agent.id);

    const about = await idsInView(db, { agent: agent.id, from: at });
    expect(new Set(about)).toEqual(new Set([call.id, change.id, revoked.id]));
    expect(about).not.toContain(unrelated.id);
    const byServer = await idsInView(db, { server: session.serverId, from: at });
    expect(byServer).toEqual(expect.arrayContaining([call.id, revoked.id]));
    const csv = await collect(exportAuditEvents(db, { agent: agent.id, from: at }, "csv", { productVersion: "test" }));
    expect(csv.split("\n")[0]).toContain("agentId,personId,serverId");
    expect(csv.trimEnd().split("\n")).toHaveLength(4);
    expect((await verifyAuditChain(db)).firstBroken).toBeNull();
  });

  it("traces one session from its mint through its tool calls, in order", async () => {
    const minted = await db.auditEvent.findFirst({
      where: { action: "token.minted", sessionId: { not: null } },
      orderBy: { occurredAt: "desc" },
    });
    const trace = await traceSession(db, minted!.sessionId!);
    expect(trace.events.length).toBe(await db.auditEvent.count({ where: { sessionId: minted!.sessionId! } }));
    expect(trace.events[0]!.action).toBe("token.minted");
    expect(trace.events.every((e) => e.sessionId === minted!.sessionId)).toBe(true);
    const times = trace.events.map((e) => e.occurredAt.getTime());
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it("exports exactly the events the view shows, in JSON Lines, CSV and OCSF", async () => {
    const filter: AuditFilter = { actions: ["tool.*", "token.minted"], from: new Date(now - 10 * DAY) };
    const view = await idsInView(db, filter);
    expect(view.length).toBeGreaterThan(20);

    const jsonl = await collect(exportAuditEvents(db, filter, "jsonl", { productVersion: "test", batch: 17 }));
    const lines = jsonl
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as { id: string; hash: string });
    expect(lines.map((l) => l.id)).toEqual(view);

    const csv = await collect(exportAuditEvents(db, filter, "csv", { productVersion: "test", batch: 17 }));
    const rows = csv.trimEnd().split("\n");
    expect(rows[0]).toMatch(/^id,occurredAt,stream,seq,/);
    expect(rows.slice(1).map((r) => r.slice(0, r.indexOf(",")))).toEqual(view);

    const ocsf = JSON.parse(
      await collect(exportAuditEvents(db, filter, "ocsf", { productVersion: "test", batch: 17 })),
    ) as Array<{ class_uid: number; metadata: { uid: string }; type_uid: number }>;
    expect(ocsf.map((o) => o.metadata.uid)).toEqual(view);
    expect(ocsf.every((o) => o.class_uid === 6003 && Math.floor(o.type_uid / 100) === 6003)).toBe(true);

    const empty = JSON.parse(
      await collect(exportAuditEvents(db, { session: "no-such-session" }, "ocsf", { productVersion: "test" })),
    );
    expect(empty).toEqual([]);
  });

  it("exports caller-chosen labels as text cells, never as spreadsheet formulas", async () => {
    const requestId = "=1+cmd|' /C calc'!A0";
    const at = new Date(now - 1000);
    await db.$transaction((tx) =>
      recordAudit(tx, {
        action: "token.refused",
        actorType: "system",
        actorId: null,
        actorLabel: '=HYPERLINK("https://evil.example","x")',
        targetType: "client",
        targetId: null,
        targetLabel: "@SUM(1+1)",
        decision: "deny",
        reason: "+invalid_client: -x",
        requestId,
        clientAddress: "\t=1+1",
        occurredAt: at,
      }),
    );
    const csv = await collect(
      exportAuditEvents(db, { q: requestId, from: new Date(now - 2000) }, "csv", { productVersion: "test" }),
    );
    const [header, row] = csv.trimEnd().split("\n");
    const cells = row!.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, ""));
    const col = (name: string) => cells[header!.split(",").indexOf(name)]!;
    expect(col("actorLabel")).toBe(`"'=HYPERLINK(""https://evil.example"",""x"")"`);
    expect(col("targetLabel")).toBe("'@SUM(1+1)");
    expect(col("reason")).toBe("'+invalid_client: -x");
    expect(col("requestId")).toBe(`'=1+cmd|' /C calc'!A0`);
    expect(col("clientAddress")).toBe("'\t=1+1");
    // No cell of the row starts with a formula character.
    expect(cells.filter((c) => /^"?[=+\-@\t\r]/.test(c))).toEqual([]);
  });

  it("counts mints, tool calls and denials per time bucket, and the top denial reasons", async () => {
    const range = { from: new Date(now - 6 * DAY), to: new Date(now) };
    const activity = await auditActivity(db, range);
    expect(activity.bucketMs).toBe(4 * 3_600_000);
    const sum = (k: "mints" | "toolCalls" | "denials") => activity.buckets.reduce((n, b) => n + b[k], 0);
    const inRange = { occurredAt: { gte: range.from, lt: range.to } };
    expect(sum("mints")).toBe(await db.auditEvent.count({ where: { ...inRange, action: "token.minted" } }));
    expect(sum("toolCalls")).toBe(await db.auditEvent.count({ where: { ...inRange, action: "tool.called" } }));
    expect(sum("denials")).toBe(await db.auditEvent.count({ where: { ...inRange, decision: "deny" } }));
    expect(sum("toolCalls")).toBeGreaterThan(0);
    const top = activity.topDenialReasons[0]!;
    expect(top.count).toBe(await db.auditEvent.count({ where: { ...inRange, decision: "deny", reason: top.reason } }));
  });

  // The append-only trigger is PostgreSQL's (SQLite is the embedded single-process store): the test exists only
  // there, rather than being reported as skipped on SQLite (the summary refuses skips).
  const onPostgres = provider === "postgresql" ? it : ((() => undefined) as unknown as typeof it);
  onPostgres("refuses UPDATE, DELETE and TRUNCATE of audit events on PostgreSQL", async () => {
    const e = await db.auditEvent.findFirstOrThrow({ orderBy: { occurredAt: "asc" } });
    await expect(db.auditEvent.update({ where: { id: e.id }, data: { reason: "edited" } })).rejects.toThrow(
      /append-only/,
    );
    await expect(db.auditEvent.delete({ where: { id: e.id } })).rejects.toThrow(/append-only/);
    await expect(db.$executeRawUnsafe(`DELETE FROM "AuditEvent" WHERE "id" = $1`, e.id)).rejects.toThrow(/append-only/);
    await expect(db.$executeRawUnsafe(`TRUNCATE "AuditEvent"`)).rejects.toThrow(/append-only/);
    // Even the purge flag does not permit an edit.
    await expect(
      db.$transaction(async (tx) => {
        await tx.$executeRawUnsafe("SET LOCAL mandate.audit_purge = 'on'");
        await tx.auditEvent.update({ where: { id: e.id }, data: { reason: "edited" } });
      }),
    ).rejects.toThrow(/append-only/);
    expect((await db.auditEvent.findUniqueOrThrow({ where: { id: e.id } })).reason).toBe(e.reason);
    expect(providerOf(db)).toBe("postgresql");
  });

  it("records a removal once when two instances purge at the same moment", async () => {
    const cutoff = new Date(now - 15 * DAY);
    const old = await db.auditEvent.count({ where: { occurredAt: { lt: cutoff } } });
    expect(old).toBeGreaterThan(0);
    const purges = await Promise.all([
      purgeExpiredAuditEvents(db, { now: new Date(now), retentionDays: 15, batchSize: 50 }),
      purgeExpiredAuditEvents(db, { now: new Date(now), retentionDays: 15, batchSize: 50 }),
    ]);
    const recorded = await db.auditEvent.findMany({ where: { action: "audit.retention_purged" } });
    expect(recorded).toHaveLength(1);
    expect(purges.map((p) => p.eventId).filter(Boolean)).toEqual([recorded[0]!.id]);
    expect(
      await db.auditEvent.count({ where: { occurredAt: { lt: cutoff }, NOT: { action: "audit.retention_purged" } } }),
    ).toBeLessThan(old);
    expect((await verifyAuditChain(db)).firstBroken).toBeNull();
  });

  it("removes events past the retention period, records the removal, and still verifies", async () => {
    expect(await auditRetentionDays(db, {})).toBeNull();
    await setAuditRetentionDays(db, 12, { actorType: "user", actorLabel: "admin@acme.example" });
    expect(await auditRetentionDays(db, {})).toBe(12);
    const changed = await db.auditEvent.findFirstOrThrow({ where: { action: "audit.retention_changed" } });
    expect(changed.detail).toEqual({ before: { retentionDays: null }, after: { retentionDays: 12 } });

    const cutoff = new Date(now - 12 * DAY);
    const before = await db.auditEvent.count();
    const old = await db.auditEvent.count({ where: { occurredAt: { lt: cutoff } } });
    expect(old).toBeGreaterThan(0);
    const result = await purgeExpiredAuditEvents(db, { now: new Date(now), batchSize: 50 });
    expect(result.removed).toBeGreaterThan(0);
    expect(result.removed).toBeLessThanOrEqual(old);
    expect(await db.auditEvent.count()).toBe(before - result.removed + 1);

    const recorded = await db.auditEvent.findUniqueOrThrow({ where: { id: result.eventId! } });
    expect(recorded).toMatchObject({ action: "audit.retention_purged", actorType: "system", decision: "info" });
    expect((recorded.detail as { removed: number }).removed).toBe(result.removed);
    const report = await verifyAuditChain(db);
    expect(report.firstBroken).toBeNull();
    expect(report.perStream.some((s) => (s.fromSeq ?? 1) > 1)).toBe(true);

    // A second run finds nothing more and records nothing.
    const again = await purgeExpiredAuditEvents(db, { now: new Date(now) });
    expect(again).toMatchObject({ removed: 0, eventId: null });

    // Removing the oldest retained event any other way is caught.
    const gateway = report.perStream.find((s) => s.stream === "gateway")!;
    const first = await db.auditEvent.findUniqueOrThrow({
      where: { stream_seq: { stream: "gateway", seq: gateway.fromSeq! } },
    });
    await tamperWithAudit(db, (tx) => tx.auditEvent.delete({ where: { id: first.id } }));
    expect((await verifyAuditChain(db, { stream: "gateway" })).firstBroken).toMatchObject({
      problem: "unanchored_start",
      seq: first.seq + 1,
    });
  });
});
