import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/lib/db/client";
import { effectiveAccessOfAgent } from "@/lib/entitlements/effective-access";
import { freshDatabase, PROVIDERS, type FreshDatabase } from "../support/databases";

describe.each(PROVIDERS)("the entitlement catalogue's version on %s", (provider) => {
  let fresh: FreshDatabase;
  let db: Db;
  /** A second client on the same database: another instance, or anyone with SQL access. */
  let other: Db;
  const scopesOf = async () =>
    [
      ...((await effectiveAccessOfAgent(db, "a-1", new Date())).scopesByResource.get("https://mcp.example/docs") ?? []),
    ].sort();
  const generation = async () => (await db.catalogVersion.findUniqueOrThrow({ where: { id: 1 } })).generation;

  beforeAll(async () => {
    fresh = await freshDatabase(provider);
    db = createDb(fresh.config);
    other = createDb(fresh.config);
    await db.mcpServer.create({
      data: {
        id: "s-1",
        name: "Docs",
        slug: "docs",
        resourceUri: "https://mcp.example/docs",
        enforcementMode: "gateway",
      },
    });
    await db.tool.createMany({
      data: [
        { id: "t-read", serverId: "s-1", name: "read_doc", scope: "docs.read", status: "approved" },
        { id: "t-write", serverId: "s-1", name: "write_doc", scope: "docs.write", status: "approved" },
      ],
    });
    await db.entitlement.create({
      data: { id: "e-1", name: "docs", serverId: "s-1", tools: { create: [{ toolId: "t-read" }] } },
    });
    await db.agent.create({
      data: {
        id: "a-1",
        clientId: "a-1",
        name: "a-1",
        kind: "autonomous",
        authMethod: "client_secret_basic",
        allowedGrantTypes: "client_credentials",
      },
    });
    await db.assignment.create({
      data: { entitlementId: "e-1", principalType: "agent", agentId: "a-1", justification: "test" },
    });
  });
  afterAll(async () => {
    await other?.$disconnect();
    await db?.$disconnect();
    await fresh?.drop();
  });

  it("moves with every change to its four tables, whoever makes it, and the next read sees the change", async () => {
    expect(await scopesOf()).toEqual(["docs.read"]);
    const before = await generation();

    // Plain SQL on another connection: no ORM, no updatedAt.
    await other.$executeRawUnsafe(
      `INSERT INTO "EntitlementTool" ("entitlementId", "toolId") VALUES ('e-1', 't-write')`,
    );
    expect(await generation()).toBeGreaterThan(before);
    expect(await scopesOf()).toEqual(["docs.read", "docs.write"]);

    await other.$executeRawUnsafe(`UPDATE "Tool" SET "status" = 'pending' WHERE "id" = 't-read'`);
    expect(await scopesOf()).toEqual(["docs.write"]);

    const g = await generation();
    await other.$executeRawUnsafe(`UPDATE "McpServer" SET "description" = 'renamed' WHERE "id" = 's-1'`);
    await other.$executeRawUnsafe(`UPDATE "Entitlement" SET "description" = 'changed' WHERE "id" = 'e-1'`);
    expect(await generation()).toBe(g + 2);

    await other.$executeRawUnsafe(`DELETE FROM "EntitlementTool" WHERE "toolId" = 't-write'`);
    expect(await scopesOf()).toEqual([]);
  });

  it("carries every registered server, and a server registered, re-addressed or removed by anyone is seen on the next read", async () => {
    const serversOf = async () => {
      const access = await effectiveAccessOfAgent(db, "a-1", new Date());
      return [...access.servers.values()]
        .map((s) => `${s.resourceUri} ${s.enforcementMode} ${s.authorizationServerIssuer ?? "-"}`)
        .sort();
    };
    expect(await serversOf()).toEqual(["https://mcp.example/docs gateway -"]);

    // Granted or not: a server with no entitlement is still a registered audience.
    await other.mcpServer.create({
      data: {
        id: "s-2",
        name: "CRM",
        slug: "crm",
        resourceUri: "https://mcp.example/crm",
        enforcementMode: "native",
        authorizationServerIssuer: "https://as.example",
      },
    });
    expect(await serversOf()).toEqual([
      "https://mcp.example/crm native https://as.example",
      "https://mcp.example/docs gateway -",
    ]);

    await other.$executeRawUnsafe(
      `UPDATE "McpServer" SET "resourceUri" = 'https://mcp.example/crm/v2' WHERE "id" = 's-2'`,
    );
    expect(await serversOf()).toEqual([
      "https://mcp.example/crm/v2 native https://as.example",
      "https://mcp.example/docs gateway -",
    ]);

    await other.$executeRawUnsafe(`DELETE FROM "McpServer" WHERE "id" = 's-2'`);
    expect(await serversOf()).toEqual(["https://mcp.example/docs gateway -"]);
  });

  it("does not move for reads or for changes elsewhere", async () => {
    const g = await generation();
    await scopesOf();
    await db.agent.update({ where: { id: "a-1" }, data: { name: "renamed agent" } });
    expect(await generation()).toBe(g);
  });
});
