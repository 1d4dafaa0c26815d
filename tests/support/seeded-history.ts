import { openBulkWriter } from "@/lib/db/bulk-insert";
import type { DatabaseConfig } from "@/lib/db/config";
import { writeHistory, type HistoryPlan, type HistoryResult } from "@/scripts/seed/history";
import { buildOrg, type Org } from "@/scripts/seed/org";
import { Random } from "@/scripts/seed/random";
import { insertOrg } from "@/scripts/seed/tables";

/**
 * A demo organisation of `people` and its history of sessions and audit
 * events, bulk-written the way the seed writes them (scripts/seed/main.ts),
 * from a fixed random seed so a suite sees the same data on both stores.
 */
export async function seedOrgHistory(
  config: DatabaseConfig,
  opts: { seed: number; people: number; now: number; history: HistoryPlan },
): Promise<{ org: Org; counts: HistoryResult }> {
  const writer = await openBulkWriter(config);
  try {
    const rnd = new Random(opts.seed);
    const org = buildOrg(rnd, opts.now, "scrypt$stub", opts.people);
    await insertOrg(writer, org.rows);
    const counts = await writeHistory(writer, org, rnd, opts.now, opts.history, () => {});
    return { org, counts };
  } finally {
    await writer.close();
  }
}
