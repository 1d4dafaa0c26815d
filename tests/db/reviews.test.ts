import { createHash, randomBytes } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { verifyAuditChain } from "@/lib/audit/verify";
import type { Principal } from "@/lib/auth/principal";
import { createDb, type Db } from "@/lib/db/client";
import { Gateway } from "@/lib/gateway/gateway";
import type { OAuthContext } from "@/lib/oauth/context";
import { createOAuthContext } from "@/lib/oauth/create-context";
import type { CreateCampaignInput } from "@/lib/reviews/campaign-schemas";
import { campaignProgress } from "@/lib/reviews/campaign-progress";
import { campaignReport, reportCsv } from "@/lib/reviews/campaign-report";
import { closeCampaign } from "@/lib/reviews/close-campaign";
import { createCampaign } from "@/lib/reviews/create-campaign";
import { decideItems, RubberStampWarning } from "@/lib/reviews/decide-items";
import { launchCampaign } from "@/lib/reviews/launch-campaign";
import { openMicroCertificationsForDepartedOwner, scanUnusedGrants } from "@/lib/reviews/micro-certification";
import { reassignItems } from "@/lib/reviews/reassign-items";
import { resetDecisions } from "@/lib/reviews/reset-decision";
import { reviewerInbox } from "@/lib/reviews/reviewer-inbox";
import { runReviewScheduler } from "@/lib/reviews/scheduler";
import { sealUpstreamCredential } from "@/lib/servers/upstream-credential";
import { updateTool } from "@/lib/servers/update-tool";
import { createProtocolServer } from "@/server/protocol-server";
import { freshDatabase, PROVIDERS, type FreshDatabase } from "../support/databases";
import { startMcpTestServer, type McpTestServer } from "../support/mcp-test-server";

process.env.MANDATE_MASTER_KEY ??= randomBytes(32).toString("base64url");

const DAY = 86_400_000;
const SECRET = "agent-secret-" + randomBytes(8).toString("hex");
const UPSTREAM_SECRET = "upstream-" + randomBytes(8).toString("hex");
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/**
 * Access certifications on both stores: launch snapshots, the self-review
 * rule, decisions and their guards, reminders and escalation on a controlled
 * clock, micro-certifications, and remediation proven at the token endpoint
 * and the gateway over real HTTP.
 */
describe.each(PROVIDERS)("access reviews on %s", (provider) => {
  let fresh: FreshDatabase;
  let db: Db;
  let ctx: OAuthContext;
  let gateway: Gateway;
  let server: Server;
  let issuer: string;
  let upstream: McpTestServer;
  const ids = {
    admin: "",
    robin: "",
    sam: "",
    lee: "",
    owner: "",
    docs: "",
    hr: "",
    readDoc: "",
    writeDoc: "",
    adminDoc: "",
    docsRw: "",
    docsAdmin: "",
    hrRead: "",
    bot: "",
    helper: "",
    group: "",
  };
  let admin: Principal;
  const person = (userId: string, email: string): Principal => ({
    kind: "user",
    userId,
    email,
    displayName: email,
    roles: ["reviewer"],
    consoleSessionId: "test",
  });
  let robin: Principal, sam: Principal, lee: Principal;
  let seq = 0;

  beforeAll(async () => {
    fresh = await freshDatabase(provider);
    db = createDb(fresh.config);
    ctx = createOAuthContext(db, { issuer: "http://placeholder" });
    gateway = new Gateway(ctx, { revocationPollMs: 50, revocationStaleAfterMs: 5_000, directoryTtlMs: 60_000 });
    server = createProtocolServer(ctx, { gateway });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    Object.assign(ctx, { issuer });
    const plain = (name: string) => ({ name, input: { id: z.string().optional() } });
    upstream = await startMcpTestServer({
      requireBearer: UPSTREAM_SECRET,
      tools: [plain("read_doc"), plain("write_doc"), plain("admin_doc")],
    });

    const user = (email: string, extra: { managerId?: string } = {}) =>
      db.user.create({ data: { email, displayName: email.split("@")[0]!, ...extra } });
    const lead = await user("lead@acme.example");
    const adminRow = await user("admin@acme.example");
    const robinRow = await user("robin@acme.example");
    const samRow = await user("sam@acme.example");
    const leeRow = await user("lee@acme.example", { managerId: lead.id });
    const ownerRow = await user("owner@acme.example", { managerId: lead.id });
    Object.assign(ids, { admin: adminRow.id, robin: robinRow.id, sam: samRow.id, lee: leeRow.id, owner: ownerRow.id });
    await db.userRole.create({ data: { userId: adminRow.id, role: "admin" } });
    for (const id of [robinRow.id, samRow.id, leeRow.id, ownerRow.id, lead.id])
      await db.userRole.create({ data: { userId: id, role: "reviewer" } });
    admin = {
      kind: "user",
      userId: adminRow.id,
      email: "admin@acme.example",
      displayName: "Admin",
      roles: ["admin"],
      consoleSessionId: "test",
    };
    robin = person(robinRow.id, "robin@acme.example");
    sam = person(samRow.id, "sam@acme.example");
    lee = person(leeRow.id, "lee@acme.example");

    const docs = await db.mcpServer.create({
      data: {
        name: "Docs",
        slug: "docs",
        resourceUri: `${issuer}/mcp/docs`,
        enforcementMode: "gateway",
        upstreamUrl: upstream.url,
        authorizationServerIssuer: issuer,
        ownerId: samRow.id,
      },
    });
    await db.mcpServer.update({
      where: { id: docs.id },
      data: { upstreamCredentialEnc: sealUpstreamCredential(docs.id, UPSTREAM_SECRET) },
    });
    const hr = await db.mcpServer.create({
      data: {
        name: "HR",
        slug: "hr",
        resourceUri: "https://hr.acme.example/mcp",
        enforcementMode: "native",
        ownerId: samRow.id,
      },
    });
    const tool = (serverId: string, name: string, scope: string, risk: "read" | "write" | "destructive") =>
      db.tool.create({ data: { serverId, name, scope, risk, status: "approved" } });
    const readDoc = await tool(docs.id, "read_doc", "docs.read", "read");
    const writeDoc = await tool(docs.id, "write_doc", "docs.write", "write");
    const adminDoc = await tool(docs.id, "admin_doc", "docs.admin", "destructive");
    const hrRead = await tool(hr.id, "read_people", "hr.read", "read");
    const docsRw = await db.entitlement.create({
      data: {
        name: "docs-rw",
        serverId: docs.id,
        tools: { create: [{ toolId: readDoc.id }, { toolId: writeDoc.id }] },
      },
    });
    const docsAdmin = await db.entitlement.create({
      data: { name: "docs-admin", serverId: docs.id, tools: { create: [{ toolId: adminDoc.id }] } },
    });
    const hrEnt = await db.entitlement.create({
      data: { name: "hr-read", serverId: hr.id, tools: { create: [{ toolId: hrRead.id }] } },
    });
    Object.assign(ids, {
      docs: docs.id,
      hr: hr.id,
      readDoc: readDoc.id,
      writeDoc: writeDoc.id,
      adminDoc: adminDoc.id,
      docsRw: docsRw.id,
      docsAdmin: docsAdmin.id,
      hrRead: hrEnt.id,
    });

    const bot = await db.agent.create({
      data: {
        clientId: "bot",
        name: "Docs bot",
        kind: "autonomous",
        ownerId: ownerRow.id,
        authMethod: "client_secret_basic",
        clientSecretHash: sha256(SECRET),
        allowedGrantTypes: "client_credentials",
      },
    });
    const helper = await db.agent.create({
      data: {
        clientId: "helper",
        name: "Helper",
        kind: "delegated",
        ownerId: robinRow.id,
        authMethod: "client_secret_basic",
        clientSecretHash: sha256(SECRET),
        allowedGrantTypes: "urn:ietf:params:oauth:grant-type:token-exchange",
      },
    });
    const group = await db.group.create({
      data: { displayName: "Writers", members: { create: [{ userId: samRow.id }] } },
    });
    Object.assign(ids, { bot: bot.id, helper: helper.id, group: group.id });
    await gateway.start();
  });

  afterAll(async () => {
    await gateway?.stop();
    await new Promise<void>((r) => (server ? (server.closeAllConnections(), server.close(() => r())) : r()));
    await upstream?.close();
    await db?.$disconnect();
    await fresh?.drop();
  });

  // ───────────── helpers

  /** Every test starts from the same grants: older ones ended, fresh ones made. */
  type Grants = Record<"botRw" | "botAdmin" | "botHr" | "leeRw" | "robinRw" | "helperRw" | "groupRw", string>;
  async function resetGrants(): Promise<Grants> {
    await db.reviewCampaign.deleteMany({});
    await db.assignment.updateMany({
      where: { endedAt: null },
      data: { endedAt: new Date(), endedReason: "test reset" },
    });
    await db.agentSession.updateMany({
      where: { status: "active" },
      data: { status: "revoked", revokedAt: new Date() },
    });
    const old = new Date(Date.now() - 200 * DAY);
    const grant = async (
      entitlementId: string,
      who: { agentId?: string; userId?: string; groupId?: string },
      grantedById: string | null = ids.admin,
    ) =>
      (
        await db.assignment.create({
          data: {
            entitlementId,
            principalType: who.agentId ? "agent" : who.userId ? "user" : "group",
            ...who,
            justification: "needed for the job",
            grantedById,
            createdAt: old,
          },
        })
      ).id;
    return {
      botRw: await grant(ids.docsRw, { agentId: ids.bot }),
      botAdmin: await grant(ids.docsAdmin, { agentId: ids.bot }),
      botHr: await grant(ids.hrRead, { agentId: ids.bot }),
      leeRw: await grant(ids.docsRw, { userId: ids.lee }),
      robinRw: await grant(ids.docsRw, { userId: ids.robin }),
      helperRw: await grant(ids.docsRw, { agentId: ids.helper }),
      groupRw: await grant(ids.docsRw, { groupId: ids.group }),
    };
  }

  async function campaign(input: Partial<CreateCampaignInput> = {}, now = new Date()): Promise<string> {
    const { id } = await createCampaign(
      db,
      admin,
      {
        name: `Q${++seq} review`,
        scope: { serverIds: [ids.docs] },
        reviewerPolicy: "agent_owner",
        fallbackReviewerId: ids.sam,
        dueAt: new Date(now.getTime() + 14 * DAY),
        ...input,
      },
      now,
    );
    return id;
  }

  const itemsOf = (campaignId: string) => db.reviewItem.findMany({ where: { campaignId }, orderBy: { id: "asc" } });
  const itemFor = async (campaignId: string, assignmentId: string) =>
    await db.reviewItem.findFirstOrThrow({ where: { campaignId, assignmentId } });

  async function mint(scope: string): Promise<Response> {
    return fetch(`${issuer}/oauth/token`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${Buffer.from(`bot:${SECRET}`).toString("base64")}`,
      },
      body: new URLSearchParams({ grant_type: "client_credentials", scope, resource: `${issuer}/mcp/docs` }),
    });
  }
  const callTool = (token: string, name: string) =>
    fetch(`${issuer}/mcp/docs`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-protocol-version": "2025-06-18",
        authorization: `Bearer ${token}`,
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: {} } }),
    });

  let grants: Grants;
  beforeEach(async () => {
    grants = await resetGrants();
  });

  // ───────────── launch

  it("snapshots the assignments in scope at launch; later changes to assignments do not alter the campaign", async () => {
    const id = await campaign();
    const progress: number[] = [];
    const launched = await launchCampaign(db, admin, id, { onProgress: (p) => progress.push(p.done) });
    // Docs server only: bot rw + admin, lee, robin, helper, group — not the HR grant.
    expect(launched.items).toBe(6);
    expect(progress.at(-1)).toBe(6);
    const before = await itemsOf(id);
    const botRwBefore = before.find((i) => i.assignmentId === grants.botRw)!;
    expect((botRwBefore.snapshot as { tools: { name: string }[] }).tools.map((t) => t.name).sort()).toEqual([
      "read_doc",
      "write_doc",
    ]);

    // After launch: narrow one grant, end another, add a new in-scope grant, change the entitlement.
    await db.assignment.update({ where: { id: grants.botRw }, data: { excludedToolIds: [ids.writeDoc] } });
    await db.assignment.update({ where: { id: grants.leeRw }, data: { endedAt: new Date(), endedReason: "left" } });
    await db.assignment.create({
      data: { entitlementId: ids.docsAdmin, principalType: "user", userId: ids.lee, justification: "new" },
    });
    await db.entitlementTool.create({ data: { entitlementId: ids.docsRw, toolId: ids.adminDoc } });
    try {
      const after = await itemsOf(id);
      expect(after.map((i) => [i.id, i.assignmentId, i.snapshot, i.risk])).toEqual(
        before.map((i) => [i.id, i.assignmentId, i.snapshot, i.risk]),
      );
      const c = await db.reviewCampaign.findUniqueOrThrow({ where: { id } });
      expect([c.status, c.itemCount, c.launchedCount]).toEqual(["active", 6, 6]);
    } finally {
      await db.entitlementTool.delete({
        where: { entitlementId_toolId: { entitlementId: ids.docsRw, toolId: ids.adminDoc } },
      });
    }
    await expect(launchCampaign(db, admin, id)).rejects.toThrow(/already been launched/);
  });

  it("routes each item by the reviewer policy, falling back when the candidate may not review it", async () => {
    const byOwner = await campaign();
    await launchCampaign(db, admin, byOwner);
    // The bot's owner reviews the bot; people and groups have no agent owner → fallback (sam)…
    expect((await itemFor(byOwner, grants.botRw)).reviewerId).toBe(ids.owner);
    expect((await itemFor(byOwner, grants.leeRw)).reviewerId).toBe(ids.sam);
    // …except the group, whose member sam is: nobody may review it (an admin reassigns).
    expect((await itemFor(byOwner, grants.groupRw)).reviewerId).toBeNull();
    // robin owns the delegated helper and holds docs-rw personally: self-review, so it falls back.
    expect((await itemFor(byOwner, grants.helperRw)).reviewerId).toBe(ids.sam);

    const byManager = await campaign({ reviewerPolicy: "manager", scope: { agentIds: [ids.bot], principalTypes: [] } });
    await launchCampaign(db, admin, byManager);
    const lead = await db.user.findUniqueOrThrow({ where: { email: "lead@acme.example" } });
    expect((await itemsOf(byManager)).map((i) => i.reviewerId)).toEqual([lead.id, lead.id, lead.id]);

    const risky = await campaign({
      reviewerPolicy: "named",
      namedReviewerIds: [ids.robin, ids.lee],
      scope: { minRisk: "destructive" },
    });
    expect((await launchCampaign(db, admin, risky)).items).toBe(1);
  });

  // ───────────── self-review

  it("refuses self-review on the server: the subject, a group member, the owner of a delegated agent holding the same access, the grantor", async () => {
    const id = await campaign({ reviewerPolicy: "named", namedReviewerIds: [ids.lee] });
    await launchCampaign(db, admin, id);
    const leeItem = await itemFor(id, grants.leeRw);
    expect(leeItem.reviewerId).toBe(ids.sam); // lee's own grant went to the fallback

    // Forced onto lee behind the domain's back: deciding is still refused.
    await db.reviewItem.update({ where: { id: leeItem.id }, data: { reviewerId: ids.lee } });
    await expect(
      decideItems(db, lee, { itemIds: [leeItem.id], decision: "certify", justification: "I need it daily" }),
    ).rejects.toMatchObject({ code: "separation_of_duties" });
    // Reassigning to the subject, to a group member or to the delegated agent's owner is refused.
    const groupItem = await itemFor(id, grants.groupRw);
    await expect(
      reassignItems(db, admin, { itemIds: [groupItem.id], reviewerId: ids.sam, note: "please review" }),
    ).rejects.toMatchObject({ code: "separation_of_duties" });
    const helperItem = await itemFor(id, grants.helperRw);
    await expect(
      reassignItems(db, admin, { itemIds: [helperItem.id], reviewerId: ids.robin, note: "please review" }),
    ).rejects.toMatchObject({ code: "separation_of_duties" });
    // The grantor cannot certify their own grant either.
    const botItem = await itemFor(id, grants.botRw);
    await db.assignment.update({ where: { id: grants.botRw }, data: { grantedById: ids.lee } });
    await db.reviewItem.update({
      where: { id: botItem.id },
      data: { snapshot: { ...(botItem.snapshot as object), grantedById: ids.lee } },
    });
    await expect(decideItems(db, lee, { itemIds: [botItem.id], decision: "certify" })).rejects.toMatchObject({
      code: "separation_of_duties",
    });
    // Someone else's item: forbidden.
    await expect(decideItems(db, robin, { itemIds: [leeItem.id], decision: "revoke" })).rejects.toMatchObject({
      code: "forbidden",
    });
    expect(await db.reviewItem.count({ where: { campaignId: id, status: { not: "pending" } } })).toBe(0);

    // A permitted reassignment, with its note, is audited.
    await reassignItems(db, admin, { itemIds: [groupItem.id], reviewerId: ids.robin, note: "robin knows the writers" });
    expect(await db.reviewItem.findUniqueOrThrow({ where: { id: groupItem.id } })).toMatchObject({
      reviewerId: ids.robin,
      reassignNote: "robin knows the writers",
    });
    expect(await db.auditEvent.count({ where: { action: "review.reassigned", targetId: groupItem.id } })).toBe(1);
  });

  // ───────────── decisions

  it("requires a justification to certify high-risk access, keeps a strict subset on reduce, and guards bulk rubber-stamping", async () => {
    const id = await campaign({ reviewerPolicy: "named", namedReviewerIds: [ids.robin], scope: {} });
    await launchCampaign(db, admin, id);
    const admins = await itemFor(id, grants.botAdmin);
    expect(admins.risk).toBe("destructive");
    await expect(decideItems(db, robin, { itemIds: [admins.id], decision: "certify" })).rejects.toMatchObject({
      field: "justification",
    });
    const rw = await itemFor(id, grants.botRw);
    await expect(
      decideItems(db, robin, { itemIds: [rw.id], decision: "reduce", keptToolIds: [ids.readDoc, ids.writeDoc] }),
    ).rejects.toMatchObject({ field: "keptToolIds" });
    await expect(
      decideItems(db, robin, { itemIds: [rw.id], decision: "reduce", keptToolIds: [ids.adminDoc] }),
    ).rejects.toMatchObject({ field: "keptToolIds" });
    await decideItems(db, robin, {
      itemIds: [rw.id],
      decision: "reduce",
      keptToolIds: [ids.readDoc],
      justification: "writes go through the pipeline",
    });
    expect(await db.reviewItem.findUniqueOrThrow({ where: { id: rw.id } })).toMatchObject({
      status: "reduced",
      decidedById: ids.robin,
      keptToolIds: [ids.readDoc],
    });

    // Bulk: six destructive grants to six fresh agents, certified at once.
    const many: string[] = [];
    for (let i = 0; i < 6; i++) {
      const a = await db.agent.create({
        data: {
          clientId: `stamp-${seq}-${i}`,
          name: `Stamp ${seq}-${i}`,
          kind: "autonomous",
          authMethod: "client_secret_basic",
          allowedGrantTypes: "client_credentials",
        },
      });
      many.push(
        (
          await db.assignment.create({
            data: { entitlementId: ids.docsAdmin, principalType: "agent", agentId: a.id, justification: "x" },
          })
        ).id,
      );
    }
    const bulk = await campaign({
      reviewerPolicy: "named",
      namedReviewerIds: [ids.robin],
      scope: { entitlementIds: [ids.docsAdmin], principalTypes: ["agent"] },
    });
    await launchCampaign(db, admin, bulk);
    const bulkIds = (await db.reviewItem.findMany({ where: { campaignId: bulk, assignmentId: { in: many } } })).map(
      (i) => i.id,
    );
    const ask = decideItems(db, robin, {
      itemIds: bulkIds,
      decision: "certify",
      justification: "all still needed, checked",
    });
    await expect(ask).rejects.toBeInstanceOf(RubberStampWarning);
    expect(await db.reviewItem.count({ where: { id: { in: bulkIds }, status: "certified" } })).toBe(0);
    const done = await decideItems(db, robin, {
      itemIds: bulkIds,
      decision: "certify",
      justification: "all still needed, checked",
      acknowledgeRubberStamp: true,
    });
    expect(done).toMatchObject({ decided: 6, rubberStamp: true });
    expect(
      await db.reviewItem.count({ where: { id: { in: bulkIds }, status: "certified", rubberStampFlag: true } }),
    ).toBe(6);
    const warning = await db.auditEvent.findFirstOrThrow({
      where: { action: "review.rubber_stamp_warning", actorId: ids.robin },
    });
    expect(warning.detail).toMatchObject({ acknowledged: true, bulk: true });
    expect(await db.auditEvent.count({ where: { action: "review.decided", actorId: ids.robin } })).toBe(7);
    expect((await campaignProgress(db, bulk)).flagged).toBe(6);
  });

  it("sends level-1 decisions to the second-level reviewer, whose decision is final", async () => {
    const id = await campaign({
      reviewerPolicy: "named",
      namedReviewerIds: [ids.robin],
      secondLevelReviewerId: ids.lee,
      scope: { agentIds: [ids.bot] },
    });
    await launchCampaign(db, admin, id);
    const item = await itemFor(id, grants.botRw);
    const r = await decideItems(db, robin, { itemIds: [item.id], decision: "revoke", justification: "unused" });
    expect(r.toSecondLevel).toBe(1);
    expect(await db.reviewItem.findUniqueOrThrow({ where: { id: item.id } })).toMatchObject({
      status: "pending",
      level: 2,
      reviewerId: ids.lee,
    });
    const inbox = await reviewerInbox(db, ids.lee);
    expect(inbox.items.find((i) => i.id === item.id)?.firstDecision).toMatchObject({ status: "revoked" });
    await decideItems(db, lee, { itemIds: [item.id], decision: "certify", justification: "still needed" });
    expect(await db.reviewItem.findUniqueOrThrow({ where: { id: item.id } })).toMatchObject({
      status: "certified",
      decidedById: ids.lee,
      level: 2,
    });
  });

  it("takes a decision back until the campaign closes: pending again, audited, decided anew; final once closed", async () => {
    const id = await campaign({
      reviewerPolicy: "named",
      namedReviewerIds: [ids.robin],
      secondLevelReviewerId: ids.lee,
      scope: { agentIds: [ids.bot] },
    });
    await launchCampaign(db, admin, id);
    const item = await itemFor(id, grants.botRw);
    const other = await itemFor(id, grants.botHr);
    // Level 1 sent on to the second level: robin takes it back before lee decides.
    await decideItems(db, robin, { itemIds: [item.id], decision: "revoke", justification: "unused" });
    await expect(resetDecisions(db, lee, { itemIds: [item.id] })).rejects.toMatchObject({ code: "conflict" });
    await resetDecisions(db, robin, { itemIds: [item.id] });
    expect(await db.reviewItem.findUniqueOrThrow({ where: { id: item.id } })).toMatchObject({
      status: "pending",
      level: 1,
      reviewerId: ids.robin,
      firstDecision: null,
    });
    // Lee's final decision: only lee takes it back; robin's undecided item has nothing to take back.
    await decideItems(db, robin, { itemIds: [item.id], decision: "reduce", keptToolIds: [ids.readDoc] });
    await decideItems(db, lee, { itemIds: [item.id], decision: "revoke", justification: "not needed" });
    expect(await db.reviewItem.findUniqueOrThrow({ where: { id: item.id } })).toMatchObject({
      status: "revoked",
      decidedById: ids.lee,
    });
    await expect(resetDecisions(db, robin, { itemIds: [item.id] })).rejects.toMatchObject({ code: "forbidden" });
    await expect(resetDecisions(db, robin, { itemIds: [other.id] })).rejects.toMatchObject({ code: "conflict" });
    await resetDecisions(db, lee, { itemIds: [item.id] });
    expect(await db.reviewItem.findUniqueOrThrow({ where: { id: item.id } })).toMatchObject({
      status: "pending",
      level: 2,
      reviewerId: ids.lee,
      decidedById: null,
      decidedAt: null,
      justification: null,
      keptToolIds: null,
    });
    const events = await db.auditEvent.findMany({
      where: { action: "review.decision_reset", targetId: item.id },
      orderBy: { occurredAt: "asc" },
    });
    expect(events.map((e) => e.actorId)).toEqual([ids.robin, ids.lee]);
    expect(events[1]?.detail).toMatchObject({ before: { status: "revoked" }, after: { status: "pending" } });
    // Decided anew; once the campaign closes the decision is final.
    await decideItems(db, lee, { itemIds: [item.id], decision: "certify", justification: "needed after all" });
    await closeCampaign(db, admin, id);
    await expect(resetDecisions(db, lee, { itemIds: [item.id] })).rejects.toMatchObject({ code: "conflict" });
    expect((await db.assignment.findUniqueOrThrow({ where: { id: grants.botRw } })).endedAt).toBeNull();
  });

  // ───────────── close and remediation

  it("remediates at close: a revoked grant is gone at the token endpoint and the gateway, a reduced one keeps only what was kept", async () => {
    const id = await campaign({ reviewerPolicy: "named", namedReviewerIds: [ids.robin], unreviewedPolicy: "remove" });
    await launchCampaign(db, admin, id);

    // Before: the bot mints docs.write and docs.admin, and the gateway lets it call both.
    const t = await mint("docs.read docs.write docs.admin");
    expect(t.status).toBe(200);
    const { access_token: token, scope } = (await t.json()) as { access_token: string; scope: string };
    expect(scope.split(" ").sort()).toEqual(["docs.admin", "docs.read", "docs.write"]);
    expect((await callTool(token, "admin_doc")).status).toBe(200);
    expect((await callTool(token, "write_doc")).status).toBe(200);

    await decideItems(db, robin, {
      itemIds: [(await itemFor(id, grants.botAdmin)).id],
      decision: "revoke",
      justification: "never used",
    });
    await decideItems(db, robin, {
      itemIds: [(await itemFor(id, grants.botRw)).id],
      decision: "reduce",
      keptToolIds: [ids.readDoc],
    });
    await decideItems(db, robin, { itemIds: [(await itemFor(id, grants.leeRw)).id], decision: "certify" });
    // Decisions alone change nothing until close.
    expect((await db.assignment.findUniqueOrThrow({ where: { id: grants.botAdmin } })).endedAt).toBeNull();

    const closed = await closeCampaign(db, admin, id);
    // helper + group + robin's own were never decided (robin could not review robin's): removed by policy.
    expect(closed).toMatchObject({ failed: 0, unreviewed: 3 });
    expect(closed.remediated).toBe(5);

    expect((await db.assignment.findUniqueOrThrow({ where: { id: grants.botAdmin } })).endedAt).not.toBeNull();
    expect((await db.assignment.findUniqueOrThrow({ where: { id: grants.botRw } })).excludedToolIds).toEqual([
      ids.writeDoc,
    ]);
    expect((await db.assignment.findUniqueOrThrow({ where: { id: grants.leeRw } })).endedAt).toBeNull();
    expect((await db.assignment.findUniqueOrThrow({ where: { id: grants.groupRw } })).endedAt).not.toBeNull();
    const adminItem = await itemFor(id, grants.botAdmin);
    expect(adminItem.remediationStatus).toBe("done");
    expect(adminItem.remediationDetail).toMatch(/^Assignment ended/);
    // The bot's one session lost access with whichever of its two items was remediated first.
    const rwItem = await itemFor(id, grants.botRw);
    expect(rwItem.remediationDetail).toMatch(/^Assignment narrowed: removed write_doc/);
    expect(
      [adminItem.remediationDetail, rwItem.remediationDetail].filter((d) => d?.endsWith("; 1 session revoked")),
    ).toHaveLength(1);
    expect((await itemFor(id, grants.leeRw)).remediationStatus).toBe("none");

    // The old token's session is revoked: the gateway refuses it at once.
    const refused = await callTool(token, "read_doc");
    expect(refused.status).toBe(401);
    // …and through the one revocation path: on the log other instances catch up from, with the operation in its audit event.
    const sid = (JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as { sid: string }).sid;
    expect(await db.revocationEvent.count({ where: { sessionId: sid } })).toBe(1);
    const revokedEvent = await db.auditEvent.findFirstOrThrow({ where: { action: "session.revoked", targetId: sid } });
    expect(revokedEvent.detail).toMatchObject({ operation: { kind: "access_removed" } });
    // A new mint no longer grants the revoked or removed scopes…
    const again = await mint("docs.admin docs.write");
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: "invalid_scope" });
    // …only what was kept, and the gateway refuses the rest.
    const kept = await mint("docs.read docs.write docs.admin");
    expect(kept.status).toBe(200);
    const k = (await kept.json()) as { access_token: string; scope: string };
    expect(k.scope).toBe("docs.read");
    expect((await callTool(k.access_token, "read_doc")).status).toBe(200);
    expect((await callTool(k.access_token, "write_doc")).status).toBe(403);
    expect((await callTool(k.access_token, "admin_doc")).status).toBe(403);

    const report = await campaignReport(db, id);
    const csv = reportCsv(report!.rows);
    expect(csv.split("\r\n")[0]).toContain("Decision,Decided by,Decided at,Justification");
    expect(csv).toContain("revoked,robin@acme.example");
    expect(csv).toContain("never used");
    expect(csv).toContain("campaign policy");
    await expect(
      decideItems(db, robin, { itemIds: [(await itemFor(id, grants.groupRw)).id], decision: "certify" }),
    ).rejects.toMatchObject({ code: "conflict" });
    expect((await verifyAuditChain(db)).firstBroken).toBeNull();
  });

  // ───────────── reminders and escalation

  it("reminds pending reviewers on their interval and escalates overdue items, on a controlled clock", async () => {
    const t0 = new Date("2030-01-01T09:00:00Z");
    const id = await campaign(
      {
        reviewerPolicy: "named",
        namedReviewerIds: [ids.robin],
        secondLevelReviewerId: ids.lee,
        reminderIntervalDays: 3,
        escalateAfterDays: 1,
        scope: { agentIds: [ids.bot] },
      },
      t0,
    );
    await launchCampaign(db, admin, id, { now: t0 });
    const at = (days: number) => new Date(t0.getTime() + days * DAY);

    expect((await runReviewScheduler(db, { now: at(1) })).reminders).toBe(0);
    expect((await runReviewScheduler(db, { now: at(3) })).reminders).toBe(1);
    expect((await itemsOf(id)).every((i) => i.reminderCount === 1)).toBe(true);
    // Same clock again: nothing new.
    expect((await runReviewScheduler(db, { now: at(3) })).reminders).toBe(0);
    // One item decided; the rest get the next reminder three days later.
    const [first] = await itemsOf(id);
    await decideItems(db, robin, { itemIds: [first!.id], decision: "revoke" }, at(4));
    // robin for the two left, lee for the one that moved up to the second level.
    expect((await runReviewScheduler(db, { now: at(6) })).reminders).toBe(2);
    const reminders = await db.auditEvent.findMany({ where: { action: "review.reminder_sent", targetId: ids.robin } });
    expect(reminders.map((r) => (r.detail as { items: number }).items)).toEqual([3, 2]);

    // Due at day 14, escalation one day later: not at 14.5, yes at 15.
    expect((await runReviewScheduler(db, { now: at(14.5) })).escalated).toBe(0);
    // The two still with robin escalate to the second level (lee); the one already with lee to the fallback (sam).
    const before = new Map((await itemsOf(id)).map((i) => [i.id, i.reviewerId]));
    expect((await runReviewScheduler(db, { now: at(15) })).escalated).toBe(3);
    const items = await itemsOf(id);
    expect(items.every((i) => i.status === "pending" && i.escalatedAt?.getTime() === at(15).getTime())).toBe(true);
    expect(items.map((i) => [before.get(i.id), i.reviewerId]).sort()).toEqual(
      [
        [ids.lee, ids.sam],
        [ids.robin, ids.lee],
        [ids.robin, ids.lee],
      ].sort(),
    );
    expect((await runReviewScheduler(db, { now: at(16) })).escalated).toBe(0);
    expect(await db.auditEvent.count({ where: { action: "review.escalated", occurredAt: at(15) } })).toBe(3);
  });

  it("launches the next instance of a recurring campaign when it is due", async () => {
    const t0 = new Date("2031-03-01T00:00:00Z");
    const id = await campaign({ recurrenceDays: 30, scope: { agentIds: [ids.bot] } }, t0);
    await launchCampaign(db, admin, id, { now: t0 });
    expect((await runReviewScheduler(db, { now: new Date(t0.getTime() + 29 * DAY) })).launched).toEqual([]);
    const run = await runReviewScheduler(db, { now: new Date(t0.getTime() + 30 * DAY) });
    expect(run.launched).toHaveLength(1);
    const next = await db.reviewCampaign.findUniqueOrThrow({ where: { id: run.launched[0]! } });
    expect(next).toMatchObject({ templateId: id, status: "active", itemCount: 3 });
    expect(next.dueAt.getTime()).toBe(t0.getTime() + 44 * DAY);
    expect((await db.reviewCampaign.findUniqueOrThrow({ where: { id } })).nextRunAt?.getTime()).toBe(
      t0.getTime() + 60 * DAY,
    );
  });

  // ───────────── micro-certifications

  it("opens one-item reviews when a tool's risk rises, an owner leaves, or a grant goes unused; a revoke is remediated at once", async () => {
    await updateTool(db, admin, { toolId: ids.writeDoc, risk: "destructive" });
    try {
      const micro = await db.reviewCampaign.findMany({
        where: { kind: "micro", trigger: "risk_raised" },
        include: { items: true },
      });
      // docs-rw holders: bot, lee, robin, helper, group.
      expect(micro).toHaveLength(5);
      expect(micro.every((m) => m.items.length === 1 && m.items[0]!.risk === "destructive")).toBe(true);
      const botMicro = micro.find((m) => m.items[0]!.assignmentId === grants.botRw)!;
      expect(botMicro.items[0]!.reviewerId).toBe(ids.owner);
      // Lowering it again opens nothing.
      await updateTool(db, admin, { toolId: ids.writeDoc, risk: "write" });
      expect(await db.reviewCampaign.count({ where: { kind: "micro" } })).toBe(5);

      const owner = person(ids.owner, "owner@acme.example");
      await decideItems(db, owner, {
        itemIds: [botMicro.items[0]!.id],
        decision: "revoke",
        justification: "not needed",
      });
      // The micro-certification closed with the decision; remediation runs on the scheduler's next pass (or close).
      expect((await db.reviewCampaign.findUniqueOrThrow({ where: { id: botMicro.id } })).status).toBe("closed");
      await runReviewScheduler(db, {});
      expect((await db.assignment.findUniqueOrThrow({ where: { id: grants.botRw } })).endedAt).not.toBeNull();
    } finally {
      await db.tool.update({ where: { id: ids.writeDoc }, data: { risk: "write" } });
    }

    // The owner leaves: their manager (lead) reviews each live grant of their agents.
    const opened = await db.$transaction((tx) => openMicroCertificationsForDepartedOwner(tx, ids.owner));
    expect(opened).toBe(2); // botAdmin, botHr (botRw already ended)
    const lead = await db.user.findUniqueOrThrow({ where: { email: "lead@acme.example" } });
    expect(
      (await db.reviewItem.findMany({ where: { campaign: { trigger: "owner_left" } } })).every(
        (i) => i.reviewerId === lead.id,
      ),
    ).toBe(true);

    // Unused for 90 days: grants none of whose tools the agent called (no tool.called events for them).
    const n = await scanUnusedGrants(db, 90);
    const unused = (await db.reviewItem.findMany({ where: { campaign: { trigger: "unused" } } })).map(
      (i) => i.assignmentId,
    );
    expect(unused).toHaveLength(n);
    expect(unused).toEqual(expect.arrayContaining([grants.botHr, grants.helperRw]));
    expect(unused).not.toContain(grants.botRw);
    expect(await scanUnusedGrants(db, 90)).toBe(0); // not twice while open
    expect(await db.auditEvent.count({ where: { action: "review.micro_opened" } })).toBe(5 + 2 + n);
  });

  it("shows a reviewer's inbox with usage, peers and the grant's history", async () => {
    const id = await campaign({ reviewerPolicy: "named", namedReviewerIds: [ids.robin] });
    await launchCampaign(db, admin, id);
    const page = await reviewerInbox(db, ids.robin, { take: 2 });
    expect(page.items).toHaveLength(2);
    expect(page.nextCursor).not.toBeNull();
    const rest = await reviewerInbox(db, ids.robin, { cursor: page.nextCursor, take: 50 });
    const all = [...page.items, ...rest.items];
    expect(all.length).toBe(page.pending);
    const bot = all.find((i) => i.snapshot.assignmentId === grants.botRw)!;
    expect(bot.snapshot).toMatchObject({
      grantedByLabel: "admin@acme.example",
      justification: "needed for the job",
      principalLabel: "Docs bot",
    });
    expect(bot.tools.map((t) => t.name).sort()).toEqual(["read_doc", "write_doc"]);
    expect(bot.peers.count).toBe(4);
    const progress = await campaignProgress(db, id);
    expect(progress.total).toBe(6);
    expect(progress.reviewers.find((r) => r.reviewerId === ids.robin)?.pending).toBe(
      progress.total - progress.reviewers.filter((r) => r.reviewerId !== ids.robin).reduce((n, r) => n + r.pending, 0),
    );
  });
});
