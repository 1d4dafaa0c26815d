import { describe, expect, it } from "vitest";
import { purgeExpiredJtis } from "@/lib/db/stores/seen-jti";
import { consumeJti } from "@/lib/oauth/seen-jti";
import { PROVIDERS } from "../support/databases";
import { suiteDatabase } from "../support/suite-database";

describe.each(PROVIDERS)("purging used jti values on %s", (provider) => {
  const suite = suiteDatabase(provider);

  it("deletes only rows past their expiry, in chunks, and keeps live ones refusing replays", async () => {
    const now = new Date("2030-01-01T00:00:00Z");
    const past = new Date(now.getTime() - 1000);
    const future = new Date(now.getTime() + 60_000);
    // More expired rows than one delete statement takes.
    await suite.db.seenJti.createMany({
      data: Array.from({ length: 2_500 }, (_, i) => ({ key: `old:${i}`, expiresAt: past })),
    });
    expect(await consumeJti(suite.db, "live:1", future)).toBe(true);

    expect(await purgeExpiredJtis(suite.db, now, 1000)).toBe(2_500);
    expect(await suite.db.seenJti.findMany({ select: { key: true } })).toEqual([{ key: "live:1" }]);
    // The live jti is still spent; an expired one may be recorded again (its token would fail its own exp check).
    expect(await consumeJti(suite.db, "live:1", future)).toBe(false);
    expect(await consumeJti(suite.db, "old:1", future)).toBe(true);
    expect(await purgeExpiredJtis(suite.db, now)).toBe(0);
  });
});
