import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentsCsv } from "@/lib/agents/agents-csv";
import { listAgents } from "@/lib/agents/list-agents";
import { listAuditEvents } from "@/lib/audit/list-events";
import { createDb, type Db } from "@/lib/db/client";
import { decodeCursor } from "@/lib/pagination/keyset";
import { sessionsCsv } from "@/lib/sessions/sessions-csv";
import { listSessions } from "@/lib/sessions/list-sessions";
import { sessionFiltersSchema } from "@/lib/sessions/session-filters";
import { seedOrgHistory } from "../support/seeded-history";
import { freshDatabase, PROVIDERS, type FreshDatabase } from "../support/databases";

describe.each(PROVIDERS)("list counts and CSV exports on %s", (provider) => {
  let fresh: FreshDatabase;
  let db: Db;
  const now = Date.now();

  beforeAll(async () => {
    fresh = await freshDatabase(provider);
    db = createDb(fresh.config);
    await seedOrgHistory(fresh.config, {
      seed: 11,
      people: 60,
      now,
      history: { sessions: 230, events: 600, windowDays: 10 },
    });
  }, 120_000);

  afterAll(async () => {
    await db?.$disconnect();
    await fresh?.drop();
  });

  it("places each audit page in the filtered trail and counts the trail (the raw SQL count)", async () => {
    const total = await db.auditEvent.count({ where: { decision: "allow" } });
    expect(total).toBeGreaterThan(20);
    const first = await listAuditEvents(db, { limit: 10 }, { decision: "allow" });
    expect(first.position).toEqual({ first: 1, total, firstCapped: false, totalCapped: false });
    const second = await listAuditEvents(
      db,
      { limit: 10, after: decodeCursor(first.nextCursor!)! },
      { decision: "allow" },
    );
    expect(second.position).toMatchObject({ first: 11, total });
    const back = await listAuditEvents(
      db,
      { limit: 10, before: decodeCursor(second.nextCursor!)! },
      { decision: "allow" },
    );
    // The ten rows before page 2's last row: rows 10 to 19.
    expect(back.position?.first).toBe(10);
    expect(back.rows.map((r) => r.id)).toEqual([first.rows.at(-1)!.id, ...second.rows.slice(0, -1).map((r) => r.id)]);
  });

  it("counts agents, with and without a search", async () => {
    const all = await db.agent.count();
    const page = await listAgents(db, { limit: 7 });
    expect(page.position).toMatchObject({ first: 1, total: all });
    const name = page.rows[3]!.name;
    const found = await listAgents(db, { limit: 7, q: name });
    expect(found.position?.total).toBe(found.rows.length);
    expect(found.rows.map((r) => r.name)).toContain(name);
  });

  it("exports every session the list counts, one CSV row each, beyond one page", async () => {
    const filters = sessionFiltersSchema.parse({ status: "all" });
    const listed = await listSessions(db, { limit: 10 }, filters);
    const total = listed.position!.total;
    expect(total).toBeGreaterThan(200);
    const csv = await new Response(sessionsCsv(db, filters)).text();
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toMatch(/^id,agent_id,agent,/);
    expect(lines).toHaveLength(total + 1);
    expect(new Set(lines.slice(1).map((l) => l.split(",")[0])).size).toBe(total);
  });

  it("exports the agents a search finds", async () => {
    const agent = await db.agent.findFirstOrThrow({ orderBy: { name: "asc" } });
    const csv = await new Response(agentsCsv(db, agent.name)).text();
    const ids = csv
      .trimEnd()
      .split("\r\n")
      .slice(1)
      .map((l) => l.split(",")[0]);
    expect(ids).toContain(agent.id);
    expect(ids).toHaveLength((await listAgents(db, { limit: 200, q: agent.name })).position!.total);
  });
});
