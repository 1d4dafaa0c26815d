import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/lib/db/client";
import { freshDatabase, PROVIDERS, type FreshDatabase } from "../support/databases";

/**
 * Every gateway instance runs these reads a few times a second (lib/gateway/revocation-state.ts):
 * each must seek an index, or it scans a table that grows with every session, token and revocation.
 */
const POLL_READS: [string, string][] = [
  ["revocation log past the watermark", `SELECT "seq", "sessionId", "jti", "expiresAt" FROM "RevocationEvent" WHERE "seq" > 41 ORDER BY "seq" ASC LIMIT 5000`],
  ["sessions revoked since the last poll", `SELECT "id", "expiresAt" FROM "AgentSession" WHERE "revokedAt" > '2026-11-28 00:00:00'`],
  ["tokens revoked since the last poll", `SELECT "jti", "expiresAt" FROM "IssuedToken" WHERE "revokedAt" > '2026-11-28 00:00:00'`],
];

describe.each(PROVIDERS)("the gateway's revocation poll on %s", (provider) => {
  let fresh: FreshDatabase;
  let db: Db;

  beforeAll(async () => {
    fresh = await freshDatabase(provider);
    db = createDb(fresh.config);
  });
  afterAll(async () => {
    await db?.$disconnect();
    await fresh?.drop();
  });

  it.each(POLL_READS)("reads the %s through an index", async (_, sql) => {
    if (provider === "sqlite") {
      const plan = await db.$queryRawUnsafe<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${sql}`);
      const steps = plan.map((p) => p.detail).join("; ");
      expect(steps).not.toMatch(/^SCAN|; SCAN/);
      expect(steps).toMatch(/SEARCH .* USING (INTEGER PRIMARY KEY|(COVERING )?INDEX)/);
    } else {
      // With sequential scans priced out, the planner still picks one only when no index can serve the filter.
      const plan = await db.$transaction(async (tx) => {
        await tx.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
        return tx.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN ${sql}`);
      });
      const text = plan.map((p) => p["QUERY PLAN"]).join("\n");
      expect(text).not.toMatch(/Seq Scan/);
      expect(text).toMatch(/Index|Bitmap/);
    }
  });
});
