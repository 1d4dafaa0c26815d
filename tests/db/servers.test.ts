import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { verifyAuditChain } from "@/lib/audit/verify";
import type { Principal } from "@/lib/auth/principal";
import { SecretBoxError } from "@/lib/crypto/secret-box";
import { createDb, type Db } from "@/lib/db/client";
import { DomainError } from "@/lib/errors/domain-error";
import { decideTool } from "@/lib/servers/decide-tool";
import { deleteServer } from "@/lib/servers/delete-server";
import { getServer } from "@/lib/servers/get-server";
import { registerServer } from "@/lib/servers/register-server";
import { syncTools } from "@/lib/servers/sync-tools";
import { updateServer } from "@/lib/servers/update-server";
import { updateTool } from "@/lib/servers/update-tool";
import { openUpstreamCredential } from "@/lib/servers/upstream-credential";
import { freshDatabase, PROVIDERS, type FreshDatabase } from "../support/databases";
import { startMcpTestServer, type McpTestServer, type TestTool } from "../support/mcp-test-server";

/** The issuer gateway resource URIs are derived from (lib/servers/gateway-resource.ts). */
const ISSUER = "http://mandate.local";
const CREDENTIAL = "upstream-secret-" + randomBytes(8).toString("hex");

const INITIAL_TOOLS: TestTool[] = [
  {
    name: "search_invoices",
    title: "Search invoices",
    description: "Find invoices",
    input: { query: z.string() },
    annotations: { readOnlyHint: true },
  },
  { name: "create_invoice", description: "Create an invoice", input: { customer: z.string(), amount: z.number() } },
  {
    name: "void_invoice",
    description: "Void an invoice",
    input: { id: z.string() },
    annotations: { destructiveHint: true },
  },
  { name: "export_ledger", description: "Export the ledger", input: { month: z.string() } },
];

/** What a DomainError says, or a failure when something else was thrown. */
async function refusal(p: Promise<unknown>): Promise<DomainError> {
  const e = await p.then(
    () => new Error("expected a refusal"),
    (err: unknown) => err,
  );
  if (!(e instanceof DomainError)) throw e;
  return e;
}

describe.each(PROVIDERS)("MCP servers and tools on %s", (provider) => {
  let fresh: FreshDatabase;
  let db: Db;
  let mcp: McpTestServer;
  let admin: Principal;
  const previousKey = process.env.MANDATE_MASTER_KEY;

  beforeAll(async () => {
    process.env.MANDATE_MASTER_KEY = randomBytes(32).toString("base64url");
    fresh = await freshDatabase(provider);
    db = createDb(fresh.config);
    const person = await db.user.create({
      data: { email: "ada@acme.example", displayName: "Ada Admin", source: "local" },
    });
    await db.user.create({ data: { email: "gone@acme.example", displayName: "Gone", active: false } });
    admin = {
      kind: "user",
      userId: person.id,
      email: person.email,
      displayName: person.displayName,
      roles: ["admin"],
      consoleSessionId: "cs-test",
    };
    mcp = await startMcpTestServer({ tools: INITIAL_TOOLS, pageSize: 3, requireBearer: CREDENTIAL });
  });

  afterAll(async () => {
    await mcp?.close();
    await db?.$disconnect();
    await fresh?.drop();
    if (previousKey === undefined) delete process.env.MANDATE_MASTER_KEY;
    else process.env.MANDATE_MASTER_KEY = previousKey;
  });

  const counts = async () => ({ servers: await db.mcpServer.count(), events: await db.auditEvent.count() });
  let billingId = "";

  it("registers a native server with a derived slug and an audit event holding before and after", async () => {
    const { id, slug } = await registerServer(db, admin, {
      name: "Billing (EU)",
      resourceUri: "https://billing.acme.example/mcp",
      authorizationServerIssuer: "https://mandate.acme.example",
      enforcementMode: "native",
      argumentLogging: "hash",
      ownerEmail: "ADA@acme.example",
    });
    expect(slug).toBe("billing-eu");
    const server = await db.mcpServer.findUniqueOrThrow({ where: { id } });
    expect(server).toMatchObject({
      name: "Billing (EU)",
      enforcementMode: "native",
      upstreamUrl: null,
      argumentLogging: "hash",
      ownerId: admin.kind === "user" ? admin.userId : null,
    });
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "server.registered", targetId: id } });
    expect(event).toMatchObject({ actorType: "user", actorLabel: "ada@acme.example", targetType: "server" });
    expect(event.detail).toMatchObject({
      before: null,
      after: { name: "Billing (EU)", slug: "billing-eu", upstreamCredential: "none" },
    });
  });

  it("refuses invalid input, duplicates and unknown owners at the field, writing nothing", async () => {
    const before = await counts();
    await expect(
      registerServer(db, admin, { name: "Gateway", resourceUri: "https://g.example/mcp", enforcementMode: "gateway" }),
    ).rejects.toThrow(/upstream URL/);
    await expect(
      registerServer(db, admin, { name: "Bad URL", resourceUri: "not a url", enforcementMode: "native" }),
    ).rejects.toThrow(/absolute URL/);
    const dupName = await refusal(
      registerServer(db, admin, {
        name: "Billing (EU)",
        resourceUri: "https://other.example/mcp",
        enforcementMode: "native",
      }),
    );
    expect(dupName).toMatchObject({ code: "conflict", field: "name" });
    const dupSlug = await refusal(
      registerServer(db, admin, {
        name: "billing eu",
        resourceUri: "https://other.example/mcp",
        enforcementMode: "native",
      }),
    );
    expect(dupSlug).toMatchObject({ code: "conflict", field: "name" });
    const dupUri = await refusal(
      registerServer(db, admin, {
        name: "Other",
        resourceUri: "https://billing.acme.example/mcp",
        enforcementMode: "native",
      }),
    );
    expect(dupUri).toMatchObject({ code: "conflict", field: "resourceUri" });
    const owner = await refusal(
      registerServer(db, admin, {
        name: "Other",
        resourceUri: "https://other.example/mcp",
        enforcementMode: "native",
        ownerEmail: "gone@acme.example",
      }),
    );
    expect(owner).toMatchObject({ code: "invalid", field: "ownerEmail" });
    expect(await counts()).toEqual(before);
  });

  it("stores the upstream credential encrypted, bound to its server, and never hands it out", async () => {
    const { id } = await registerServer(
      db,
      admin,
      {
        name: "Ledger",
        resourceUri: "http://mandate.local/mcp/ledger",
        enforcementMode: "gateway",
        upstreamUrl: mcp.url,
        upstreamCredential: CREDENTIAL,
      },
      ISSUER,
    );
    billingId = id;
    const row = await db.mcpServer.findUniqueOrThrow({ where: { id } });
    const stored = row.upstreamCredentialEnc ?? "";
    expect(stored).toMatch(/^v1\./);
    expect(stored).not.toContain(CREDENTIAL);
    expect(openUpstreamCredential(id, stored)).toBe(CREDENTIAL);
    // Altered, or copied onto another server's row: it does not open.
    const parts = stored.split(".");
    const ct = Buffer.from(parts[2] ?? "", "base64url");
    ct[0] = ct[0]! ^ 0xff;
    expect(() =>
      openUpstreamCredential(id, [parts[0], parts[1], ct.toString("base64url"), parts[3]].join(".")),
    ).toThrow(SecretBoxError);
    expect(() => openUpstreamCredential("another-server", stored)).toThrow(SecretBoxError);
    // Neither the detail loader nor the audit trail carries the secret or its ciphertext.
    const detail = await getServer(db, id);
    expect(detail?.hasUpstreamCredential).toBe(true);
    expect(JSON.stringify(detail)).not.toContain(stored);
    const events = await db.auditEvent.findMany({ where: { targetId: id } });
    expect(JSON.stringify(events)).not.toContain(CREDENTIAL);
    expect(JSON.stringify(events)).not.toContain(stored.slice(3, 20));
  });

  it("imports tools over MCP, following pagination, as pending with suggested risk and default scope", async () => {
    mcp.authorizations.length = 0;
    const result = await syncTools(db, admin, billingId);
    expect([...result.added].sort()).toEqual(["create_invoice", "export_ledger", "search_invoices", "void_invoice"]);
    expect(result).toMatchObject({ changed: [], removed: [], unchanged: [] });
    expect(mcp.authorizations.every((a) => a === `Bearer ${CREDENTIAL}`)).toBe(true);
    const tools = await db.tool.findMany({ where: { serverId: billingId }, orderBy: { name: "asc" } });
    expect(tools.map((t) => [t.name, t.status, t.risk, t.scope])).toEqual([
      ["create_invoice", "pending", "write", "ledger:create_invoice"],
      ["export_ledger", "pending", "write", "ledger:export_ledger"],
      ["search_invoices", "pending", "read", "ledger:search_invoices"],
      ["void_invoice", "pending", "destructive", "ledger:void_invoice"],
    ]);
    expect(tools.find((t) => t.name === "search_invoices")).toMatchObject({
      title: "Search invoices",
      description: "Find invoices",
    });
    expect(tools.every((t) => /^[0-9a-f]{64}$/.test(t.definitionHash ?? ""))).toBe(true);
    const server = await db.mcpServer.findUniqueOrThrow({ where: { id: billingId } });
    expect(server.lastSyncedAt).toBeInstanceOf(Date);
    const event = await db.auditEvent.findFirstOrThrow({
      where: { action: "server.tools_synced", targetId: billingId },
    });
    expect(event.detail).toMatchObject({ added: result.added, changed: [], removed: [], unchanged: 0 });
  });

  it("approves, rejects and edits tools with before/after audit events", async () => {
    const byName = async (name: string) => db.tool.findFirstOrThrow({ where: { serverId: billingId, name } });
    await decideTool(db, admin, "approve", { toolId: (await byName("create_invoice")).id });
    await decideTool(db, admin, "approve", { toolId: (await byName("search_invoices")).id });
    await decideTool(db, admin, "reject", {
      toolId: (await byName("void_invoice")).id,
      reason: "Too dangerous for agents",
    });
    const approved = await byName("create_invoice");
    expect(approved).toMatchObject({ status: "approved", approvedById: admin.kind === "user" ? admin.userId : null });
    expect(approved.approvedAt).toBeInstanceOf(Date);
    expect((await byName("void_invoice")).status).toBe("rejected");
    expect(await refusal(decideTool(db, admin, "approve", { toolId: approved.id }))).toMatchObject({
      code: "conflict",
    });

    await updateTool(db, admin, { toolId: approved.id, risk: "destructive", scope: "ledger:write" });
    expect(await byName("create_invoice")).toMatchObject({
      risk: "destructive",
      scope: "ledger:write",
      status: "approved",
    });
    await expect(updateTool(db, admin, { toolId: approved.id, scope: "has space" })).rejects.toThrow(/one word/);

    const rejected = await db.auditEvent.findFirstOrThrow({ where: { action: "tool.rejected" } });
    expect(rejected.reason).toBe("Too dangerous for agents");
    expect(rejected.detail).toMatchObject({ before: { status: "pending" }, after: { status: "rejected" } });
    const updated = await db.auditEvent.findFirstOrThrow({ where: { action: "tool.updated" } });
    expect(updated.detail).toMatchObject({
      before: { risk: "write", scope: "ledger:create_invoice" },
      after: { risk: "destructive", scope: "ledger:write" },
    });
  });

  it("re-syncs: new tools pending, any change to an approved definition withdraws approval, dropped tools become removed", async () => {
    mcp.setTools([
      // input schema changed on an approved tool → back to pending
      {
        name: "create_invoice",
        description: "Create an invoice",
        input: { customer: z.string(), amount: z.number(), currency: z.string() },
      },
      // only the description changed on an approved tool → pending too: the description steers the model
      {
        name: "search_invoices",
        title: "Search invoices",
        description: "Find invoices by text",
        input: { query: z.string() },
        annotations: { readOnlyHint: true },
      },
      // unchanged (rejected stays rejected)
      {
        name: "void_invoice",
        description: "Void an invoice",
        input: { id: z.string() },
        annotations: { destructiveHint: true },
      },
      // new
      {
        name: "refund_payment",
        description: "Refund",
        input: { id: z.string() },
        annotations: { destructiveHint: true },
      },
      // export_ledger dropped
    ]);
    const result = await syncTools(db, admin, billingId);
    expect(result.added).toEqual(["refund_payment"]);
    expect(result.removed).toEqual(["export_ledger"]);
    expect(result.unchanged).toEqual(["void_invoice"]);
    expect(result.changed).toEqual([
      {
        name: "create_invoice",
        schemaChanged: true,
        descriptionChanged: false,
        statusBefore: "approved",
        statusAfter: "pending",
      },
      {
        name: "search_invoices",
        schemaChanged: false,
        descriptionChanged: true,
        statusBefore: "approved",
        statusAfter: "pending",
      },
    ]);
    const status = Object.fromEntries(
      (await db.tool.findMany({ where: { serverId: billingId } })).map((t) => [t.name, t.status]),
    );
    expect(status).toEqual({
      create_invoice: "pending",
      search_invoices: "pending",
      void_invoice: "rejected",
      refund_payment: "pending",
      export_ledger: "removed",
    });
    const changed = await db.tool.findFirstOrThrow({ where: { serverId: billingId, name: "create_invoice" } });
    expect(changed).toMatchObject({ approvedById: null, approvedAt: null, risk: "destructive", scope: "ledger:write" });
    expect(changed.definitionChangedAt).toBeInstanceOf(Date);
    // The record follows the server; the approved definition is kept beside it for the diff.
    expect(changed.inputSchema).toMatchObject({ properties: { currency: { type: "string" } } });
    expect(changed.approvedDefinition).toMatchObject({ description: "Create an invoice" });
    expect(JSON.stringify(changed.approvedDefinition)).not.toContain("currency");
    const changes = await db.auditEvent.findMany({
      where: { action: "tool.definition_changed" },
      orderBy: { seq: "asc" },
    });
    expect(changes.map((e) => [e.targetLabel, e.actorLabel])).toEqual([
      ["Ledger / create_invoice", admin.kind === "user" ? admin.email : ""],
      ["Ledger / search_invoices", admin.kind === "user" ? admin.email : ""],
    ]);
    expect(changes[1]!.detail).toMatchObject({
      seenBy: "sync",
      descriptionChanged: true,
      schemaChanged: false,
      approved: { description: "Find invoices" },
      observed: { description: "Find invoices by text" },
    });

    // A removed tool cannot be approved; the same list again changes nothing.
    const removed = await db.tool.findFirstOrThrow({ where: { serverId: billingId, name: "export_ledger" } });
    expect(await refusal(decideTool(db, admin, "approve", { toolId: removed.id }))).toMatchObject({ code: "conflict" });
    const again = await syncTools(db, admin, billingId);
    expect(again).toMatchObject({ added: [], changed: [], removed: [] });
    expect(again.unchanged).toHaveLength(4);
    expect(await db.auditEvent.count({ where: { action: "server.tools_synced", targetId: billingId } })).toBe(3);
  });

  it("explains a refused credential, an unreachable server and a silent one, changing nothing", async () => {
    await updateServer(
      db,
      admin,
      {
        id: billingId,
        name: "Ledger",
        resourceUri: "http://mandate.local/mcp/ledger",
        enforcementMode: "gateway",
        upstreamUrl: mcp.url,
        upstreamCredential: "wrong-token",
      },
      ISSUER,
    );
    const before = await counts();
    const tools = await db.tool.findMany({ where: { serverId: billingId }, orderBy: { name: "asc" } });
    expect((await refusal(syncTools(db, admin, billingId))).message).toMatch(/HTTP 401.*credential/);

    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    try {
      const unreachable = await registerServer(db, admin, {
        name: "Unreachable",
        resourceUri: `http://127.0.0.1:${closedPort}/mcp`,
        enforcementMode: "native",
      });
      expect((await refusal(syncTools(db, admin, unreachable.id))).message).toMatch(/connection refused/);
      const hanging = await registerServer(db, admin, {
        name: "Silent",
        resourceUri: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/mcp`,
        enforcementMode: "native",
      });
      expect((await refusal(syncTools(db, admin, hanging.id, { timeoutMs: 500 }))).message).toMatch(
        /did not answer within/,
      );
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
    expect(await db.auditEvent.count({ where: { action: "server.tools_synced" } })).toBe(3);
    expect(await db.tool.findMany({ where: { serverId: billingId }, orderBy: { name: "asc" } })).toEqual(tools);
    expect((await counts()).servers).toBe(before.servers + 2);
  });

  it("updates settings, keeping the slug and the credential unless asked", async () => {
    await updateServer(
      db,
      admin,
      {
        id: billingId,
        name: "Ledger v2",
        resourceUri: "http://mandate.local/mcp/ledger",
        enforcementMode: "gateway",
        upstreamUrl: mcp.url,
      },
      ISSUER,
    );
    let row = await db.mcpServer.findUniqueOrThrow({ where: { id: billingId } });
    expect(row).toMatchObject({ name: "Ledger v2", slug: "ledger" });
    expect(openUpstreamCredential(billingId, row.upstreamCredentialEnc ?? "")).toBe("wrong-token");
    const event = await db.auditEvent.findFirstOrThrow({
      where: { action: "server.updated", targetId: billingId },
      orderBy: { seq: "desc" },
    });
    expect(event.detail).toMatchObject({
      before: { name: "Ledger" },
      after: { name: "Ledger v2" },
      upstreamCredential: "kept",
    });
    const dup = await refusal(
      updateServer(
        db,
        admin,
        {
          id: billingId,
          name: "Billing (EU)",
          resourceUri: "http://mandate.local/mcp/ledger",
          enforcementMode: "gateway",
          upstreamUrl: mcp.url,
        },
        ISSUER,
      ),
    );
    expect(dup).toMatchObject({ code: "conflict", field: "name" });
    await updateServer(db, admin, {
      id: billingId,
      name: "Ledger v2",
      resourceUri: "http://mandate.local/mcp/ledger",
      enforcementMode: "native",
      clearUpstreamCredential: true,
    });
    row = await db.mcpServer.findUniqueOrThrow({ where: { id: billingId } });
    expect(row).toMatchObject({ enforcementMode: "native", upstreamUrl: null, upstreamCredentialEnc: null });
  });

  it("refuses to delete a server entitlements still reference, then deletes it with its tools", async () => {
    const entitlement = await db.entitlement.create({ data: { name: "Ledger readers", serverId: billingId } });
    const before = await counts();
    const refused = await refusal(deleteServer(db, admin, { id: billingId, confirmName: "Ledger v2" }));
    expect(refused.code).toBe("conflict");
    expect(refused.message).toMatch(/Ledger readers/);
    expect(await refusal(deleteServer(db, admin, { id: billingId, confirmName: "ledger" }))).toMatchObject({
      field: "confirmName",
    });
    expect(await counts()).toEqual(before);

    await db.entitlement.delete({ where: { id: entitlement.id } });
    await deleteServer(db, admin, { id: billingId, confirmName: "Ledger v2" });
    expect(await db.mcpServer.findUnique({ where: { id: billingId } })).toBeNull();
    expect(await db.tool.count({ where: { serverId: billingId } })).toBe(0);
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "server.deleted", targetId: billingId } });
    expect(event.detail).toMatchObject({ before: { name: "Ledger v2" }, after: null, toolsDeleted: 5 });
  });

  it("leaves an intact audit chain", async () => {
    const report = await verifyAuditChain(db);
    expect(report.firstBroken).toBeNull();
    expect(report.eventsChecked).toBeGreaterThan(10);
  });
});
