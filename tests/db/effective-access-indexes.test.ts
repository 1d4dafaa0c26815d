import { beforeAll, describe, expect, it } from "vitest";
import { placeholders } from "@/lib/db/raw-values";
import { ACCESS_READS } from "@/lib/db/stores/access";
import { PROVIDERS } from "../support/databases";
import { suiteDatabase } from "../support/suite-database";

/**
 * Every mint reads the grants of its agent, or of its agent and the person it acts for
 * (lib/entitlements/effective-access.ts): each principal's branch must seek its own index,
 * or the read scans every live assignment of the enterprise, once per token.
 */
const READS: [string, string, { agent?: string; person?: string }, number][] = [
  ["an agent's grants", ACCESS_READS.agent, { agent: "a1" }, 1],
  ["a person's grants, direct and through their groups", ACCESS_READS.person, { person: "u42" }, 2],
  ["an agent's and the person's it acts for", ACCESS_READS.agentForPerson, { agent: "a1", person: "u42" }, 3],
  [
    "a client's row with its agent's own grants (client_credentials)",
    ACCESS_READS.clientWithOwnAccess,
    { agent: "a1" },
    1,
  ],
];

describe.each(PROVIDERS)("the per-mint access reads on %s", (provider) => {
  const suite = suiteDatabase(provider);

  beforeAll(async () => {
    if (provider !== "postgresql") return;
    // PostgreSQL chooses by statistics: an enterprise's worth of rows, analysed, so the plan is the one production gets.
    const db = suite.db;
    await db.mcpServer.create({
      data: { id: "s", name: "S", slug: "s", resourceUri: "https://s.example", enforcementMode: "gateway" },
    });
    await db.entitlement.create({ data: { id: "e", name: "e", serverId: "s" } });
    await db.$executeRawUnsafe(
      `INSERT INTO "User" ("id", "email", "displayName", "updatedAt") SELECT 'u' || i, 'u' || i || '@x.example', 'U' || i, now() FROM generate_series(1, 5000) i`,
    );
    await db.$executeRawUnsafe(
      `INSERT INTO "Group" ("id", "displayName", "updatedAt") SELECT 'g' || i, 'G' || i, now() FROM generate_series(1, 1000) i`,
    );
    await db.$executeRawUnsafe(
      `INSERT INTO "GroupMembership" ("groupId", "userId") SELECT 'g' || (1 + i % 1000), 'u' || (1 + i % 5000) FROM generate_series(1, 15000) i ON CONFLICT DO NOTHING`,
    );
    await db.$executeRawUnsafe(
      `INSERT INTO "Agent" ("id", "clientId", "name", "kind", "authMethod", "allowedGrantTypes", "updatedAt") SELECT 'a' || i, 'a' || i, 'A' || i, 'delegated', 'private_key_jwt', 'client_credentials', now() FROM generate_series(1, 2000) i`,
    );
    for (const [column, prefix, kind, count] of [
      ["groupId", "g", "group", 1000],
      ["userId", "u", "user", 5000],
      ["agentId", "a", "agent", 2000],
    ] as const) {
      await db.$executeRawUnsafe(
        `INSERT INTO "Assignment" ("id", "entitlementId", "principalType", "${column}", "justification") SELECT '${kind}-' || i, 'e', '${kind}', '${prefix}' || (1 + i % ${count}), 'bench' FROM generate_series(1, 20000) i`,
      );
    }
    await db.$executeRawUnsafe("ANALYZE");
  });

  it.each(READS)("reads %s through an index per principal", async (_, sql, who, branches) => {
    const now = new Date();
    const ids = [who.agent, who.person].filter((v): v is string => v !== undefined);
    if (provider === "sqlite") {
      const [text, values] = placeholders("sqlite", sql, [now.getTime(), ...ids]);
      const plan = await suite.db.$queryRawUnsafe<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${text}`, ...values);
      const steps = plan.map((p) => p.detail);
      expect(steps.filter((step) => /^SCAN a\b/.test(step))).toEqual([]);
      expect(
        steps.filter((step) =>
          /^SEARCH a USING INDEX Assignment_(agentId|userId|groupId)_endedAt_idx \((agentId|userId|groupId)=\?/.test(
            step,
          ),
        ),
      ).toHaveLength(branches);
    } else {
      const plan = await suite.db.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(
        `EXPLAIN ${sql}`,
        now.toISOString().replace("Z", ""),
        ...ids,
      );
      const lines = plan.map((p) => p["QUERY PLAN"]);
      expect(lines.join("\n")).not.toMatch(/Seq Scan on "Assignment"/);
      // Each branch searches its principal's index by the principal, not only by endedAt.
      const seeks = lines.flatMap((line, i) => {
        const index = /"Assignment_(agentId|userId|groupId)_endedAt_idx"/.exec(line);
        const condition = lines.slice(i + 1).find((l) => l.includes("Index Cond"));
        return index && condition?.includes(`"${index[1]}" =`) ? [index[1]] : [];
      });
      expect(seeks).toHaveLength(branches);
    }
  });
});
