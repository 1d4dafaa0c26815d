import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/lib/db/client";
import { crashUnderLoad } from "../support/crash-harness";
import { freshDatabase, PROVIDERS, type FreshDatabase } from "../support/databases";
import { seedRevocationWorld, type RevocationWorld } from "../support/revocation-fixture";

const ISSUER = "http://mandate.faults";

/**
 * The short form of `npm run bench:faults` (scripts/bench/faults.ts): one
 * kill -9 of a real server process under gateway load, then a restart on the
 * same store. The database outage half is tests/db/database-outage.test.ts.
 */
describe.each(PROVIDERS)("kill -9 under gateway load on %s", (provider) => {
  let fresh: FreshDatabase;
  let db: Db;
  let world: RevocationWorld;

  beforeAll(async () => {
    fresh = await freshDatabase(provider);
    db = createDb(fresh.config);
    world = await seedRevocationWorld(db, ISSUER);
  });

  afterAll(async () => {
    await world?.close();
    await db?.$disconnect();
    await fresh?.drop();
  });

  it("leaves no call answered 200, and none executed upstream, without its tool.called event; the chain verifies; the restart serves", async () => {
    const env = {
      DATABASE_URL: fresh.config.provider === "sqlite" ? `file:${fresh.config.file}` : fresh.config.url,
      MANDATE_ISSUER: ISSUER,
      MANDATE_MASTER_KEY: process.env.MANDATE_MASTER_KEY ?? randomBytes(32).toString("base64url"),
      MANDATE_MIGRATE_ON_START: "false",
    };
    const { round, restarted } = await crashUnderLoad({ db, world, env, issuer: ISSUER, connections: 8, loadMs: 1500 });
    try {
      expect(round.answered).toBeGreaterThan(0);
      expect(round.answeredUnrecorded).toEqual([]);
      expect(round.executedUnrecorded).toEqual([]);
      expect(round.chainIntact).toBe(true);
    } finally {
      await restarted.stop();
    }
  });
});
