import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAudit } from "@/lib/audit/record";
import { createDb, type Db } from "@/lib/db/client";
import { effectiveAccessOfAgent } from "@/lib/entitlements/effective-access";
import { previewChange } from "@/lib/entitlements/what-if";
import { removeUnusedAccess, scopeReviewReason } from "@/lib/reviews/remove-unused-access";
import { agentScopeReview, excessPrivilege, scopeUsageByAgent } from "@/lib/reviews/scope-usage";
import { freshDatabase, PROVIDERS, type FreshDatabase } from "../support/databases";

const DAY = 86_400_000;

/**
 * Effective-access previews and scope review, on both stores. Fixtures:
 * a CRM server with tools t1–t4 (scopes crm:t1…crm:t4), entitlements
 * Reader {t1, t2}, Extra {t3}, All {t1–t4}; people Ana and Ben in group Sales;
 * the delegated agent Copilot holds Reader, so does Ana directly, and Copilot
 * has a live session for Ana on the CRM holding crm:t1 crm:t2.
 */
describe.each(PROVIDERS)("effective access and scope review on %s", (provider) => {
  let fresh: FreshDatabase;
  let db: Db;
  const now = new Date();
  const ids = {} as Record<
    | "server"
    | "t1"
    | "t2"
    | "t3"
    | "t4"
    | "reader"
    | "extra"
    | "all"
    | "ana"
    | "ben"
    | "sales"
    | "copilot"
    | "bot"
    | "copilotReader"
    | "anaReader"
    | "session"
    | "admin",
    string
  >;

  beforeAll(async () => {
    fresh = await freshDatabase(provider);
    db = createDb(fresh.config);
    const admin = await db.user.create({ data: { email: "admin@test.example", displayName: "Admin" } });
    const ana = await db.user.create({ data: { email: "ana@test.example", displayName: "Ana" } });
    const ben = await db.user.create({ data: { email: "ben@test.example", displayName: "Ben" } });
    const sales = await db.group.create({
      data: { displayName: "Sales", members: { create: [{ userId: ana.id }, { userId: ben.id }] } },
    });
    const server = await db.mcpServer.create({
      data: { name: "CRM", slug: "crm", resourceUri: "https://crm.test/mcp", enforcementMode: "gateway" },
    });
    const tools = [];
    for (const [n, risk] of [
      ["t1", "read"],
      ["t2", "write"],
      ["t3", "destructive"],
      ["t4", "read"],
    ] as const) {
      tools.push(
        await db.tool.create({ data: { serverId: server.id, name: n, risk, scope: `crm:${n}`, status: "approved" } }),
      );
    }
    const [t1, t2, t3, t4] = tools.map((t) => t.id) as [string, string, string, string];
    const ent = (name: string, toolIds: string[]) =>
      db.entitlement.create({
        data: { name, serverId: server.id, tools: { create: toolIds.map((toolId) => ({ toolId })) } },
      });
    const reader = await ent("CRM — Reader", [t1, t2]);
    const extra = await ent("CRM — Extra", [t3]);
    const all = await ent("CRM — All", [t1, t2, t3, t4]);
    const copilot = await db.agent.create({
      data: {
        clientId: "copilot",
        name: "Copilot",
        kind: "delegated",
        authMethod: "private_key_jwt",
        allowedGrantTypes: "x",
      },
    });
    const bot = await db.agent.create({
      data: {
        clientId: "bot",
        name: "Bot",
        kind: "autonomous",
        authMethod: "private_key_jwt",
        allowedGrantTypes: "client_credentials",
      },
    });
    const old = new Date(now.getTime() - 200 * DAY);
    const copilotReader = await db.assignment.create({
      data: {
        entitlementId: reader.id,
        principalType: "agent",
        agentId: copilot.id,
        justification: "t",
        createdAt: old,
      },
    });
    const anaReader = await db.assignment.create({
      data: { entitlementId: reader.id, principalType: "user", userId: ana.id, justification: "t", createdAt: old },
    });
    const session = await db.agentSession.create({
      data: {
        id: "sess-ana",
        agentId: copilot.id,
        userId: ana.id,
        serverId: server.id,
        scopes: "crm:t1 crm:t2",
        toolIds: `${t1} ${t2}`,
        grantType: "jwt-bearer",
        expiresAt: new Date(now.getTime() + 3_600_000),
      },
    });
    // Same scopes, but its tokens carry t1 only: losing t2 does not revoke it.
    await db.agentSession.create({
      data: {
        id: "sess-ana-t1",
        agentId: copilot.id,
        userId: ana.id,
        serverId: server.id,
        scopes: "crm:t1",
        toolIds: t1,
        grantType: "jwt-bearer",
        expiresAt: new Date(now.getTime() + 3_600_000),
      },
    });
    Object.assign(ids, {
      server: server.id,
      t1,
      t2,
      t3,
      t4,
      reader: reader.id,
      extra: extra.id,
      all: all.id,
      ana: ana.id,
      ben: ben.id,
      sales: sales.id,
      copilot: copilot.id,
      bot: bot.id,
      copilotReader: copilotReader.id,
      anaReader: anaReader.id,
      session: session.id,
      admin: admin.id,
    });
  });

  afterAll(async () => {
    await db?.$disconnect();
    await fresh?.drop();
  });

  const snapshot = async () => ({
    assignments: await db.assignment.findMany({ orderBy: { id: "asc" } }),
    entitlementTools: await db.entitlementTool.findMany({ orderBy: [{ entitlementId: "asc" }, { toolId: "asc" }] }),
  });
  const namesOf = (tools: { toolName: string }[]) => tools.map((t) => t.toolName).sort();

  it("previews assigning to a group: every member gains, nobody loses", async () => {
    const summary = await previewChange(
      db,
      { kind: "assign", entitlementId: ids.extra, principalType: "group", principalId: ids.sales },
      now,
    );
    const gainers = summary.gains.map((g) => g.identity.label).sort();
    expect(gainers).toEqual(["Ana", "Ben"]);
    for (const g of summary.gains) expect(namesOf(g.tools)).toEqual(["t3"]);
    expect(summary.losses).toEqual([]);
    expect(summary.sessionsLosingTools).toEqual([]);
    expect(summary.counts).toMatchObject({ identitiesGaining: 2, toolsGained: 2, identitiesLosing: 0 });
  });

  it("previews ending an agent's assignment: the agent and its delegated session lose", async () => {
    const summary = await previewChange(db, { kind: "end_assignment", assignmentId: ids.copilotReader }, now);
    expect(summary.gains).toEqual([]);
    const losses = new Map(summary.losses.map((l) => [l.identity.label, namesOf(l.tools)]));
    expect(losses.get("Copilot")).toEqual(["t1", "t2"]);
    expect(losses.get("Copilot for Ana")).toEqual(["t1", "t2"]);
    expect(losses.has("Ana")).toBe(false);
    expect(summary.sessionsLosingTools).toEqual([
      {
        sessionId: ids.session,
        agent: { id: ids.copilot, name: "Copilot" },
        user: { id: ids.ana, displayName: "Ana" },
        serverName: "CRM",
        toolsLost: ["t1", "t2"],
      },
      {
        sessionId: "sess-ana-t1",
        agent: { id: ids.copilot, name: "Copilot" },
        user: { id: ids.ana, displayName: "Ana" },
        serverName: "CRM",
        toolsLost: ["t1"],
      },
    ]);
  });

  it("previews changing an entitlement's tools: holders gain the added and lose the removed", async () => {
    const summary = await previewChange(
      db,
      { kind: "set_entitlement_tools", entitlementId: ids.reader, toolIds: [ids.t1, ids.t4] },
      now,
    );
    const gains = new Map(summary.gains.map((g) => [g.identity.label, namesOf(g.tools)]));
    const losses = new Map(summary.losses.map((l) => [l.identity.label, namesOf(l.tools)]));
    for (const who of ["Copilot", "Ana", "Copilot for Ana"]) {
      expect(gains.get(who)).toEqual(["t4"]);
      expect(losses.get(who)).toEqual(["t2"]);
    }
    // Only the session holding t2 would be revoked.
    expect(summary.sessionsLosingTools.map((s) => [s.sessionId, s.toolsLost])).toEqual([[ids.session, ["t2"]]]);
  });

  it("refuses a preview of tools from another server and of an ended assignment", async () => {
    const other = await db.mcpServer.create({
      data: { name: "Other", slug: "other", resourceUri: "https://other.test/mcp", enforcementMode: "native" },
    });
    const foreign = await db.tool.create({ data: { serverId: other.id, name: "x", scope: "o:x", status: "approved" } });
    await expect(
      previewChange(db, { kind: "set_entitlement_tools", entitlementId: ids.reader, toolIds: [foreign.id] }, now),
    ).rejects.toMatchObject({ code: "invalid" });
    await expect(
      previewChange(db, { kind: "end_assignment", assignmentId: "no-such-assignment" }, now),
    ).rejects.toMatchObject({ code: "not_found" });
  });

  it("leaves the database exactly as it was after any preview", async () => {
    const before = await snapshot();
    await previewChange(
      db,
      { kind: "assign", entitlementId: ids.all, principalType: "agent", principalId: ids.copilot },
      now,
    );
    await previewChange(db, { kind: "end_assignment", assignmentId: ids.anaReader }, now);
    await previewChange(db, { kind: "set_entitlement_tools", entitlementId: ids.reader, toolIds: [] }, now);
    expect(await snapshot()).toEqual(before);
    expect((await effectiveAccessOfAgent(db, ids.copilot, now)).tools.map((t) => t.toolName)).toEqual(["t1", "t2"]);
  });

  describe("scope review", () => {
    let botAll: string, botExtra: string;

    beforeAll(async () => {
      const old = new Date(now.getTime() - 200 * DAY);
      botAll = (
        await db.assignment.create({
          data: {
            entitlementId: ids.all,
            principalType: "agent",
            agentId: ids.bot,
            justification: "t",
            createdAt: old,
          },
        })
      ).id;
      botExtra = (
        await db.assignment.create({
          data: {
            entitlementId: ids.extra,
            principalType: "agent",
            agentId: ids.bot,
            justification: "t",
            createdAt: old,
          },
        })
      ).id;
      const call = (toolId: string, daysAgo: number) =>
        recordAudit(db, {
          action: "tool.called",
          actorType: "agent",
          actorId: ids.bot,
          actorLabel: "Bot",
          targetType: "tool",
          targetId: toolId,
          decision: "allow",
          detail: { server: ids.server, tool: toolId, risk: "read" },
          occurredAt: new Date(now.getTime() - daysAgo * DAY),
        });
      await call(ids.t1, 10); // counts for 30 and 90 days
      await call(ids.t1, 12);
      await call(ids.t2, 60); // only for 90 days
      await call(ids.t3, 120); // for neither
      // Bot's live sessions on the CRM: one holding an unused tool (t4), one holding only t1, which it uses.
      const expiresAt = new Date(now.getTime() + 3_600_000);
      await db.agentSession.create({
        data: {
          id: "sess-bot-t4",
          agentId: ids.bot,
          serverId: ids.server,
          scopes: "crm:t1 crm:t4",
          toolIds: `${ids.t1} ${ids.t4}`,
          grantType: "client_credentials",
          expiresAt,
        },
      });
      await db.agentSession.create({
        data: {
          id: "sess-bot-t1",
          agentId: ids.bot,
          serverId: ids.server,
          scopes: "crm:t1",
          toolIds: ids.t1,
          grantType: "client_credentials",
          expiresAt,
        },
      });
    });
    const REASON = "Quarterly right-sizing";

    it("counts granted and used tools over 30 and 90 days", async () => {
      const bot = (await scopeUsageByAgent(db, now)).find((a) => a.agentId === ids.bot);
      expect(bot).toMatchObject({ granted: 4, used30: 1, used90: 2, excessPercent: 50 });
      const review = await agentScopeReview(db, ids.bot, now);
      const all = review?.servers[0]?.assignments.find((a) => a.assignmentId === botAll);
      expect(all?.tools.find((t) => t.toolId === ids.t1)).toMatchObject({ calls30: 2, calls90: 2 });
      expect(all?.unusedToolIds.sort()).toEqual([ids.t3, ids.t4].sort());
      const extra = review?.servers[0]?.assignments.find((a) => a.assignmentId === botExtra);
      expect(extra?.unusedToolIds).toEqual([ids.t3]);
      // Copilot: t1, t2 granted, never called; Bot: 2 of 4 unused.
      expect(await excessPrivilege(db, now)).toEqual({ grants: 6, unused: 4, percent: 66.7 });
    });

    it("narrows an assignment whose tools were partly used, and audits it", async () => {
      const actor = { actorType: "user" as const, actorId: ids.admin, actorLabel: "admin@test.example" };
      const [result] = await removeUnusedAccess(db, { assignmentIds: [botAll], reason: REASON }, actor, now);
      expect(result?.outcome).toBe("narrowed");
      const a = await db.assignment.findUniqueOrThrow({ where: { id: botAll } });
      expect(a.endedAt).toBeNull();
      expect((a.excludedToolIds as string[]).sort()).toEqual([ids.t3, ids.t4].sort());
      const event = await db.auditEvent.findFirstOrThrow({ where: { action: "assignment.updated", targetId: botAll } });
      expect(event.reason).toBe(scopeReviewReason(REASON));
      expect(event.reason).toContain(REASON);
      expect(event.actorId).toBe(ids.admin);
      expect(event.detail).toMatchObject({
        before: { excludedToolIds: [] },
        after: { excludedToolIds: expect.arrayContaining([ids.t3, ids.t4]) },
      });
      // Bot now reaches t1, t2 through "All" and t3 through "Extra".
      expect((await effectiveAccessOfAgent(db, ids.bot, now)).tools.map((t) => t.toolName)).toEqual(["t1", "t2", "t3"]);
      // Right-sizing cuts live sessions as a closed campaign does: the one holding t4 is revoked, with the reason.
      const cut = await db.agentSession.findUniqueOrThrow({ where: { id: "sess-bot-t4" } });
      expect(cut).toMatchObject({ status: "revoked", revokedReason: scopeReviewReason(REASON) });
      expect(await db.auditEvent.count({ where: { action: "session.revoked", targetId: "sess-bot-t4" } })).toBe(1);
      expect((await db.agentSession.findUniqueOrThrow({ where: { id: "sess-bot-t1" } })).status).toBe("active");
    });

    it("refuses a reasonless or partly stale bulk removal and changes nothing", async () => {
      const actor = { actorType: "user" as const, actorId: ids.admin, actorLabel: "admin@test.example" };
      await expect(removeUnusedAccess(db, { assignmentIds: [botExtra], reason: " " }, actor, now)).rejects.toThrow();
      // botAll has nothing unused left: the whole batch is refused, botExtra included.
      await expect(
        removeUnusedAccess(db, { assignmentIds: [botExtra, botAll], reason: REASON }, actor, now),
      ).rejects.toMatchObject({ code: "conflict" });
      expect((await db.assignment.findUniqueOrThrow({ where: { id: botExtra } })).endedAt).toBeNull();
    });

    it("ends an assignment whose tools all went unused, and audits it", async () => {
      const actor = { actorType: "user" as const, actorId: ids.admin, actorLabel: "admin@test.example" };
      const result = await removeUnusedAccess(db, { assignmentIds: [botExtra], reason: REASON }, actor, now);
      expect(result).toMatchObject([{ outcome: "ended", removedTools: [{ toolId: ids.t3, toolName: "t3" }] }]);
      const a = await db.assignment.findUniqueOrThrow({ where: { id: botExtra } });
      expect(a.endedAt?.getTime()).toBe(now.getTime());
      expect(a.endedReason).toBe(scopeReviewReason(REASON));
      const event = await db.auditEvent.findFirstOrThrow({ where: { action: "assignment.ended", targetId: botExtra } });
      expect(event.detail).toMatchObject({
        before: { endedAt: null },
        after: { endedReason: scopeReviewReason(REASON) },
      });
      expect((await effectiveAccessOfAgent(db, ids.bot, now)).tools.map((t) => t.toolName)).toEqual(["t1", "t2"]);
      // Nothing left to remove: a second click is refused, not repeated.
      await expect(
        removeUnusedAccess(db, { assignmentIds: [botAll], reason: REASON }, actor, now),
      ).rejects.toMatchObject({ code: "conflict" });
    });

    it("refuses to judge an assignment younger than 90 days", async () => {
      const fresh = await db.assignment.create({
        data: {
          entitlementId: ids.extra,
          principalType: "agent",
          agentId: ids.bot,
          justification: "t",
          createdAt: new Date(now.getTime() - 5 * DAY),
        },
      });
      const actor = { actorType: "user" as const, actorId: ids.admin, actorLabel: "admin@test.example" };
      await expect(
        removeUnusedAccess(db, { assignmentIds: [fresh.id], reason: REASON }, actor, now),
      ).rejects.toMatchObject({ code: "conflict" });
    });
  });
});
