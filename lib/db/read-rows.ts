import { providerOf, type Db } from "./client";
import { placeholders } from "./raw-values";
import { readPoolOf } from "./read-pool";

/**
 * One read of committed state through the driver's read-only path
 * (read-pool.ts) rather than the ORM, written once with $n placeholders for
 * both stores; on a transaction's client (no read pool) it goes through Prisma.
 * For the hot paths: a Prisma query costs more CPU than the rest of a mint.
 */
export async function readRows(db: Db, sql: string, params: readonly unknown[]): Promise<Record<string, unknown>[]> {
  const [text, values] = placeholders(providerOf(db), sql, params);
  const pool = readPoolOf(db);
  return pool ? pool.query(text, values) : db.$queryRawUnsafe<Record<string, unknown>[]>(text, ...values);
}
