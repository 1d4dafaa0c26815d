import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAudit } from "@/lib/audit/record";
import { createDb, type Db } from "@/lib/db/client";
import { assignmentsExpiringSoon, denialsPerDay, ownerlessAgentCount } from "@/lib/overview/trends";
import { workQueue } from "@/lib/overview/work-queue";
import { freshDatabase, PROVIDERS, type FreshDatabase } from "../support/databases";

const DAY = 86_400_000;

/** The overview's pending-work queue and trends, counted only for who may act on them, on both stores. */
describe.each(PROVIDERS)("overview work queue and trends on %s", (provider) => {
  let fresh: FreshDatabase;
  let db: Db;
  const now = new Date("2026-06-10T12:00:00Z");
  let reviewerId = "";

  beforeAll(async () => {
    fresh = await freshDatabase(provider);
    db = createDb(fresh.config);
    reviewerId = (await db.user.create({ data: { email: "rev@test.example", displayName: "Rev" } })).id;
    const server = await db.mcpServer.create({
      data: { name: "Wiki", slug: "wiki", resourceUri: "https://wiki.test/mcp", enforcementMode: "native" },
    });
    await db.tool.create({
      data: { serverId: server.id, name: "purge", risk: "destructive", scope: "wiki:admin", status: "pending" },
    });
    await db.tool.create({ data: { serverId: server.id, name: "read", scope: "wiki:read", status: "approved" } });
    await db.agent.create({
      data: {
        clientId: "new-client",
        name: "New client",
        kind: "interactive",
        status: "pending",
        authMethod: "none",
        allowedGrantTypes: "authorization_code",
      },
    });
    const agent = await db.agent.create({
      data: {
        clientId: "bot",
        name: "Bot",
        kind: "autonomous",
        authMethod: "private_key_jwt",
        allowedGrantTypes: "client_credentials",
        ownerlessSince: now,
      },
    });
    const ent = await db.entitlement.create({ data: { name: "Wiki — Read", serverId: server.id } });
    await db.assignment.create({
      data: {
        entitlementId: ent.id,
        principalType: "agent",
        agentId: agent.id,
        justification: "t",
        expiresAt: new Date(now.getTime() + 3 * DAY),
      },
    });
    await db.assignment.create({
      data: {
        entitlementId: ent.id,
        principalType: "agent",
        agentId: agent.id,
        justification: "t",
        expiresAt: new Date(now.getTime() + 60 * DAY),
      },
    });
    const campaign = await db.reviewCampaign.create({
      data: {
        name: "Q2",
        status: "active",
        scope: {},
        reviewerPolicy: "named",
        dueAt: new Date(now.getTime() + 7 * DAY),
      },
    });
    for (const who of [reviewerId, reviewerId, null]) {
      await db.reviewItem.create({ data: { campaignId: campaign.id, snapshot: {}, risk: "read", reviewerId: who } });
    }
    for (const daysAgo of [0, 0, 2]) {
      await recordAudit(db, {
        action: "tool.call_refused",
        actorType: "agent",
        actorId: agent.id,
        actorLabel: "bot",
        decision: "deny",
        occurredAt: new Date(now.getTime() - daysAgo * DAY),
      });
    }
  });
  afterAll(async () => {
    await db?.$disconnect();
    await fresh?.drop();
  });

  it("counts each part of the queue only for a role that may act on it", async () => {
    const all = await workQueue(db, { approveTools: true, manageAgents: true, reviewerId, manageReviews: true });
    expect(all).toMatchObject({ tools: { total: 1 }, clients: { total: 1 }, myReviews: 2, unroutedReviews: 1 });
    expect(all.tools.sample[0]).toMatchObject({
      name: "purge",
      risk: "destructive",
      serverName: "Wiki",
      changed: false,
    });
    const reviewer = await workQueue(db, {
      approveTools: false,
      manageAgents: false,
      reviewerId,
      manageReviews: false,
    });
    expect(reviewer).toEqual({
      tools: { total: 0, sample: [] },
      clients: { total: 0, sample: [] },
      myReviews: 2,
      unroutedReviews: 0,
    });
  });

  it("counts denials per UTC day, grants expiring soon and ownerless agents", async () => {
    const days = await denialsPerDay(db, 7, now);
    expect(days).toHaveLength(7);
    expect(days.at(-1)).toEqual({ day: "2026-06-10", count: 2 });
    expect(days.at(-3)).toEqual({ day: "2026-06-08", count: 1 });
    expect(days.reduce((n, d) => n + d.count, 0)).toBe(3);
    expect(await assignmentsExpiringSoon(db, 14, now)).toBe(1);
    expect(await ownerlessAgentCount(db)).toBe(1);
  });
});
