import { providerOf, type Db } from "@/lib/db/client";
import { placeholders } from "@/lib/db/raw-values";

/** Rows deleted per statement: one short write, never a long lock on the table. */
const CHUNK = 5000;

/**
 * Forgets used jti values whose token has expired: a replay of it would fail
 * its own `exp` check (the row is kept until exp plus the clock tolerance), so
 * the row protects nothing any more. Deletes by the expiresAt index, a chunk
 * per statement, until none is left; returns how many rows went.
 */
export async function purgeExpiredJtis(db: Db, now = new Date(), chunk = CHUNK): Promise<number> {
  // Both stores: a bounded delete through a keyed subquery (SQLite has no DELETE … LIMIT by default).
  const [sql, params] = placeholders(
    providerOf(db),
    `DELETE FROM "SeenJti" WHERE "key" IN (SELECT "key" FROM "SeenJti" WHERE "expiresAt" < $1 LIMIT ${Math.max(1, Math.floor(chunk))})`,
    [now],
  );
  let total = 0;
  for (;;) {
    const deleted = await db.$executeRawUnsafe(sql, ...params);
    total += deleted;
    if (deleted < chunk) return total;
  }
}
