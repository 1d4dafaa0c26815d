import { describe, expect, it } from "vitest";
import { readPoolOf, type ReadPool } from "@/lib/db/read-pool";
import { RevocationState } from "@/lib/gateway/revocation-state";
import { revokeLiveSessionsIn } from "@/lib/sessions/revoke-live-sessions";
import { PROVIDERS } from "../support/databases";
import { insertSession, seedRevocationWorld } from "../support/revocation-fixture";
import { suiteDatabase } from "../support/suite-database";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The bound behind "revocation takes effect everywhere within a second": a
 * gateway either has applied every revocation committed more than
 * `revocationStaleAfterMs` ago, or it answers 503 — whatever happens to
 * notifications and however slowly the store answers.
 */
describe.each(PROVIDERS)("revocation state freshness on %s", (provider) => {
  const suite = suiteDatabase(provider);
  const STALE_MS = 400;
  /** Catch-up reads answer this long after the store read (a loaded or distant database). */
  const LATE_MS = 600;

  it("counts a catch-up read fresh as of when it began: a late answer never covers a revocation committed after its start", async () => {
    const world = await seedRevocationWorld(suite.db, "http://mandate.fresh");
    const holder = globalThis as unknown as { __mandateReadPools: WeakMap<object, ReadPool> };
    const real = readPoolOf(suite.db)!;
    try {
      const state = new RevocationState(
        suite.db,
        { revocationPollMs: 50, revocationStaleAfterMs: STALE_MS, revocationOverlapMs: 5000 },
        { listen: false },
      );
      await state.start(); // the first load reads through Prisma, on time
      holder.__mandateReadPools.set(suite.db, {
        async query(sql, params) {
          const rows = await real.query(sql, params);
          await sleep(LATE_MS);
          return rows;
        },
      });
      const sid = await insertSession(suite.db, { agentId: world.ids.agent, serverId: world.ids.server });
      // Every read now shows the store as it was LATE_MS before it answers: a revocation committed meanwhile can
      // stay unseen for longer than the bound, so the state must not call itself fresh.
      let allowedAfterBound = 0;
      let revokedAt = 0;
      const t0 = Date.now();
      while (Date.now() - t0 < 3000) {
        if (!revokedAt && Date.now() - t0 > 1000) {
          await suite.db.$transaction((tx) =>
            revokeLiveSessionsIn(
              tx,
              world.oncall,
              { id: sid },
              { reason: "freshness", now: new Date(), operation: { kind: "sessions" } },
            ),
          );
          revokedAt = Date.now();
        }
        const allowed = state.isFresh() && state.revokedReason(sid, "-") === null;
        if (allowed && revokedAt && Date.now() - revokedAt > STALE_MS) allowedAfterBound++;
        await sleep(10);
      }
      state.stop();
      expect(allowedAfterBound).toBe(0);
    } finally {
      holder.__mandateReadPools.set(suite.db, real);
      await world.close();
    }
  });
});
