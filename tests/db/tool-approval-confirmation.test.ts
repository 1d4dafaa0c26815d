import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "@/lib/auth/principal";
import { createDb, type Db } from "@/lib/db/client";
import { decideTool } from "@/lib/servers/decide-tool";
import { freshDatabase, PROVIDERS, type FreshDatabase } from "../support/databases";

/** A person approving a destructive or administrative tool in the console confirms it and says why, on both stores. */
describe.each(PROVIDERS)("tool approval confirmation on %s", (provider) => {
  let fresh: FreshDatabase;
  let db: Db;
  let serverId = "";
  const admin: Principal = { kind: "system", label: "approval test", roles: ["admin"] };
  const inConsole = { confirmHighRisk: true };

  beforeAll(async () => {
    fresh = await freshDatabase(provider);
    db = createDb(fresh.config);
    serverId = (
      await db.mcpServer.create({
        data: { name: "Wiki", slug: "wiki", resourceUri: "https://wiki.test/mcp", enforcementMode: "gateway" },
      })
    ).id;
  });
  afterAll(async () => {
    await db?.$disconnect();
    await fresh?.drop();
  });

  const tool = (name: string, risk: "read" | "write" | "destructive", scope: string) =>
    db.tool.create({ data: { serverId, name, risk, scope, status: "pending" } });
  const statusOf = async (id: string) => (await db.tool.findUniqueOrThrow({ where: { id } })).status;

  it("refuses a destructive tool without the acknowledgement and a reason, and approves it with both", async () => {
    const t = await tool("purge_pages", "destructive", "wiki:purge");
    await expect(decideTool(db, admin, "approve", { toolId: t.id }, inConsole)).rejects.toMatchObject({
      code: "conflict",
    });
    await expect(
      decideTool(db, admin, "approve", { toolId: t.id, acknowledgeRisk: true, reason: "ok" }, inConsole),
    ).rejects.toMatchObject({ code: "invalid", field: "reason" });
    expect(await statusOf(t.id)).toBe("pending");
    await decideTool(
      db,
      admin,
      "approve",
      { toolId: t.id, acknowledgeRisk: true, reason: "Archive bot purges drafts weekly" },
      inConsole,
    );
    expect(await statusOf(t.id)).toBe("approved");
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "tool.approved", targetId: t.id } });
    expect(event.reason).toBe("Archive bot purges drafts weekly");
  });

  it("treats an administrative scope like a destructive tool, and lets a read tool through with the plain confirmation", async () => {
    const adminTool = await tool("set_permissions", "write", "wiki:admin");
    await expect(decideTool(db, admin, "approve", { toolId: adminTool.id }, inConsole)).rejects.toMatchObject({
      code: "conflict",
    });
    const read = await tool("search", "read", "wiki:read");
    await decideTool(db, admin, "approve", { toolId: read.id }, inConsole);
    expect(await statusOf(read.id)).toBe("approved");
  });
});
