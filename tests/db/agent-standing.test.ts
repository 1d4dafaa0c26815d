import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inactiveAgentCallFlags, inactiveStanding } from "@/lib/agents/agent-standing";
import { retireAgent } from "@/lib/agents/retire-agent";
import { suspendAgent } from "@/lib/agents/suspend-agent";
import { recordAudit } from "@/lib/audit/record";
import type { Principal } from "@/lib/auth/principal";
import { createDb, type Db } from "@/lib/db/client";
import { freshDatabase, PROVIDERS, type FreshDatabase } from "../support/databases";

const MIN = 60_000;

/** A suspended or retired agent's standing (since, by, why) and the flag on its tool calls, on both stores. */
describe.each(PROVIDERS)("inactive agent standing on %s", (provider) => {
  let fresh: FreshDatabase;
  let db: Db;
  const admin: Principal = { kind: "system", label: "standing test", roles: ["admin"] };
  const t0 = new Date(Date.now() - 60 * MIN);

  beforeAll(async () => {
    fresh = await freshDatabase(provider);
    db = createDb(fresh.config);
  });
  afterAll(async () => {
    await db?.$disconnect();
    await fresh?.drop();
  });

  const agent = (name: string) =>
    db.agent.create({
      data: {
        clientId: name,
        name,
        kind: "autonomous",
        authMethod: "private_key_jwt",
        allowedGrantTypes: "client_credentials",
      },
    });
  const call = (agentId: string, at: Date) =>
    recordAudit(db, {
      action: "tool.called",
      actorType: "agent",
      actorId: agentId,
      actorLabel: "x",
      targetType: "tool",
      targetId: "t",
      decision: "allow",
      occurredAt: at,
    });

  it("says since when, by whom and why an agent was suspended; nothing for an active one", async () => {
    const active = await agent("active-bot");
    const suspended = await agent("suspended-bot");
    await suspendAgent(db, admin, suspended.id, t0, "Leaked credential INC-7");
    expect(await inactiveStanding(db, active.id)).toBeNull();
    expect(await inactiveStanding(db, suspended.id)).toEqual({
      agentId: suspended.id,
      status: "suspended",
      since: t0,
      by: "standing test",
      reason: "Leaked credential INC-7",
    });
  });

  it("flags a retired agent's tool calls, and marks those made after the retirement", async () => {
    const bot = await agent("retired-bot");
    const active = await agent("busy-bot");
    const before = await call(bot.id, new Date(t0.getTime() - MIN));
    await retireAgent(db, admin, bot.id, "Project ended", t0);
    const later = await call(bot.id, new Date(t0.getTime() + MIN));
    const other = await call(active.id, new Date(t0.getTime() + MIN));
    const events = await db.auditEvent.findMany({ where: { id: { in: [before.id, later.id, other.id] } } });
    const flags = await inactiveAgentCallFlags(db, events);
    expect(flags.get(before.id)).toEqual({ status: "retired", after: false });
    expect(flags.get(later.id)).toEqual({ status: "retired", after: true });
    expect(flags.has(other.id)).toBe(false);
    expect((await inactiveStanding(db, bot.id))?.reason).toBe("Project ended");
  });
});
