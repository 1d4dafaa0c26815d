import { describe, expect, it } from "vitest";
import { placeholders } from "@/lib/db/raw-values";
import { CATCH_UP_SQL, SESSIONS_REVOKED_SINCE_SQL, TOKENS_REVOKED_SINCE_SQL } from "@/lib/db/stores/revocations";
import { PROVIDERS } from "../support/databases";
import { suiteDatabase } from "../support/suite-database";

/**
 * Every gateway instance runs these reads a few times a second (lib/gateway/revocation-state.ts):
 * each must seek an index, or it scans a table that grows with every session, token and revocation.
 */
const since = new Date("2026-11-28T00:00:00Z");
const POLL_READS: [string, string, unknown][] = [
  ["revocation log past the watermark", CATCH_UP_SQL, 41],
  ["sessions revoked since the last poll", SESSIONS_REVOKED_SINCE_SQL, since],
  ["tokens revoked since the last poll", TOKENS_REVOKED_SINCE_SQL, since],
];

describe.each(PROVIDERS)("the gateway's revocation poll on %s", (provider) => {
  const suite = suiteDatabase(provider);

  it.each(POLL_READS)("reads the %s through an index", async (_, sql, param) => {
    if (provider === "sqlite") {
      const [text, values] = placeholders("sqlite", sql, [param instanceof Date ? param.getTime() : param]);
      const plan = await suite.db.$queryRawUnsafe<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${text}`, ...values);
      const steps = plan.map((p) => p.detail).join("; ");
      expect(steps).not.toMatch(/^SCAN|; SCAN/);
      expect(steps).toMatch(/SEARCH .* USING (INTEGER PRIMARY KEY|(COVERING )?INDEX)/);
    } else {
      // With sequential scans priced out, the planner still picks one only when no index can serve the filter.
      const plan = await suite.db.$transaction(async (tx) => {
        await tx.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
        return tx.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(
          `EXPLAIN ${sql}`,
          param instanceof Date ? param.toISOString().replace("Z", "") : param,
        );
      });
      const text = plan.map((p) => p["QUERY PLAN"]).join("\n");
      expect(text).not.toMatch(/Seq Scan/);
      expect(text).toMatch(/Index|Bitmap/);
    }
  });
});
