import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAudit } from "@/lib/audit/record";
import { verifyAuditChain } from "@/lib/audit/verify";
import { createDb, providerOf, type Db } from "@/lib/db/client";
import { buildOrg } from "@/scripts/seed/org";
import { tamperWithAudit } from "../support/audit-tamper";
import { seedOrgHistory } from "../support/seeded-history";
import { freshDatabase, PROVIDERS, type FreshDatabase } from "../support/databases";

/**
 * One suite, both stores: the same data layer must behave the same on the
 * embedded SQLite default and on PostgreSQL.
 */
describe.each(PROVIDERS)("data layer on %s", (provider) => {
  let fresh: FreshDatabase;
  let db: Db;
  const now = Date.now();
  let historyCounts: { sessions: number; events: number; activeSessions: number };
  let org: ReturnType<typeof buildOrg>;

  beforeAll(async () => {
    fresh = await freshDatabase(provider);
    db = createDb(fresh.config);
    ({ org, counts: historyCounts } = await seedOrgHistory(fresh.config, {
      seed: 42,
      people: 120,
      now,
      history: { sessions: 400, events: 4000, windowDays: 30 },
    }));
  });

  afterAll(async () => {
    await db?.$disconnect();
    await fresh?.drop();
  });

  it("knows which store it talks to", () => {
    expect(providerOf(db)).toBe(provider);
  });

  it("reads back what the bulk loader wrote, with types intact", async () => {
    expect(await db.user.count()).toBe(120);
    expect(await db.agentSession.count()).toBe(historyCounts.sessions);
    expect(await db.auditEvent.count()).toBe(historyCounts.events);
    const agent = await db.agent.findUniqueOrThrow({
      where: { name: "Release Captain" },
      include: { owner: true, assignments: { include: { entitlement: { include: { tools: true } } } } },
    });
    expect(agent.kind).toBe("autonomous");
    expect(agent.owner?.email).toMatch(/@acme\.example$/);
    expect(agent.createdAt).toBeInstanceOf(Date);
    expect(agent.assignments.length).toBeGreaterThan(0);
    const tool = await db.tool.findFirstOrThrow({ where: { name: "search_code" } });
    expect(tool.inputSchema).toEqual({ type: "object", properties: { query: { type: "string" } } });
  });

  it("stores timestamps exactly (millisecond precision, UTC)", async () => {
    const row = org.rows.AgentSession ?? [];
    expect(row).toHaveLength(0); // sessions are streamed, not kept in memory
    const s = await db.agentSession.findFirstOrThrow({ orderBy: { createdAt: "desc" } });
    expect(s.createdAt.getTime()).toBeLessThanOrEqual(now);
    expect(s.createdAt.getTime()).toBeGreaterThan(now - 31 * 86_400_000);
    const created = await db.setting.create({ data: { key: "probe", value: { at: 1 } } });
    const read = await db.setting.findUniqueOrThrow({ where: { key: "probe" } });
    expect(read.updatedAt.getTime()).toBe(created.updatedAt.getTime());
  });

  it("finds live sessions by agent, user, server and expiry", async () => {
    const live = await db.agentSession.findMany({ where: { status: "active", expiresAt: { gt: new Date(now) } } });
    expect(live.length).toBe(historyCounts.activeSessions);
    const one = live[0];
    if (!one) throw new Error("the seeded history should contain live sessions");
    const byAgent = await db.agentSession.findMany({ where: { agentId: one.agentId, status: "active" } });
    expect(byAgent.map((s) => s.id)).toContain(one.id);
    const byServer = await db.agentSession.findMany({ where: { serverId: one.serverId, status: "active" } });
    expect(byServer.map((s) => s.id)).toContain(one.id);
  });

  it("pages through audit events by keyset without gaps or repeats", async () => {
    const seen = new Set<string>();
    let cursor: { occurredAt: Date; id: string } | undefined;
    for (;;) {
      const page: { id: string; occurredAt: Date }[] = await db.auditEvent.findMany({
        where: cursor
          ? {
              OR: [{ occurredAt: { lt: cursor.occurredAt } }, { occurredAt: cursor.occurredAt, id: { lt: cursor.id } }],
            }
          : {},
        orderBy: [{ occurredAt: "desc" }, { id: "desc" }],
        take: 500,
        select: { id: true, occurredAt: true },
      });
      if (page.length === 0) break;
      for (const e of page) {
        expect(seen.has(e.id)).toBe(false);
        seen.add(e.id);
      }
      cursor = page[page.length - 1];
    }
    expect(seen.size).toBe(historyCounts.events);
  });

  it("chains seeded and live audit events into one verifiable trail", async () => {
    expect((await verifyAuditChain(db)).firstBroken).toBeNull();
    const before = await db.auditEvent.count({ where: { stream: "admin" } });
    const appended = await db.$transaction((tx) =>
      recordAudit(tx, {
        action: "agent.updated",
        actorType: "user",
        actorId: org.adminId,
        actorLabel: "admin@acme.example",
        targetType: "agent",
        targetId: org.agents[0]!.id,
        decision: "allow",
        reason: "Console change",
        detail: { before: { purpose: "old" }, after: { purpose: "new" } },
      }),
    );
    expect(appended.seq).toBe(before + 1);
    const report = await verifyAuditChain(db);
    expect(report.firstBroken).toBeNull();
    expect(report.eventsChecked).toBe(historyCounts.events + 1);
  });

  it("keeps concurrent appenders of one stream in one unbroken chain", async () => {
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        db.$transaction((tx) =>
          recordAudit(tx, {
            action: "entitlement.updated",
            actorType: "system",
            decision: "info",
            reason: `concurrent ${i}`,
          }),
        ),
      ),
    );
    expect((await verifyAuditChain(db, { stream: "admin" })).firstBroken).toBeNull();
  });

  it("drops the audit event when the change it records rolls back", async () => {
    const count = await db.auditEvent.count();
    await expect(
      db.$transaction(async (tx) => {
        await recordAudit(tx, { action: "agent.suspended", actorType: "system", decision: "allow", reason: "test" });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await db.auditEvent.count()).toBe(count);
  });

  it("refuses an unknown audit action and writes nothing", async () => {
    const count = await db.auditEvent.count();
    await expect(
      db.$transaction((tx) =>
        recordAudit(tx, { action: "agent.teleported" as never, actorType: "system", decision: "info" }),
      ),
    ).rejects.toThrow();
    expect(await db.auditEvent.count()).toBe(count);
  });

  it("detects an edited, a deleted and a reordered event", async () => {
    const events = await db.auditEvent.findMany({ where: { stream: "gateway" }, orderBy: { seq: "asc" }, take: 30 });
    const [, e2, , e4, e5, e6] = events;
    if (!e2 || !e4 || !e5 || !e6) throw new Error("expected gateway events");
    const original = e2.reason;
    await tamperWithAudit(db, (tx) =>
      tx.auditEvent.update({ where: { id: e2.id }, data: { reason: "nothing to see here" } }),
    );
    expect((await verifyAuditChain(db, { stream: "gateway" })).firstBroken).toMatchObject({
      seq: e2.seq,
      problem: "hash_mismatch",
    });
    await tamperWithAudit(db, (tx) => tx.auditEvent.update({ where: { id: e2.id }, data: { reason: original } }));
    expect((await verifyAuditChain(db, { stream: "gateway" })).firstBroken).toBeNull();

    // Reordering: swap the sequence numbers of two neighbours.
    await tamperWithAudit(db, async (tx) => {
      await tx.auditEvent.update({ where: { id: e5.id }, data: { seq: -1 } });
      await tx.auditEvent.update({ where: { id: e6.id }, data: { seq: e5.seq } });
      await tx.auditEvent.update({ where: { id: e5.id }, data: { seq: e6.seq } });
    });
    expect((await verifyAuditChain(db, { stream: "gateway" })).firstBroken).toMatchObject({ seq: e5.seq });

    await tamperWithAudit(db, (tx) => tx.auditEvent.delete({ where: { id: e4.id } }));
    expect((await verifyAuditChain(db, { stream: "gateway" })).firstBroken).toMatchObject({
      seq: e4.seq + 1,
      problem: "sequence_gap",
    });
  });
});
