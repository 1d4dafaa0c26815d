import { providerOf, type Db, type Tx } from "@/lib/db/client";

/**
 * Serialises the holders of `key` until the caller's transaction ends, across
 * connections and instances: a PostgreSQL transaction-scoped advisory lock.
 * On the embedded store every write transaction already runs alone (one
 * writer at a time), so there is nothing to take.
 */
export async function lockForTransaction(tx: Tx | Db, key: string): Promise<void> {
  if (providerOf(tx) === "postgresql") await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(hashtext($1))", key);
}

/** The same lock as lockForTransaction, as SQL text with the key as a literal, for a statement sent in one round trip. */
export function pgTransactionLockSql(key: string): string {
  // Keys are written into the SQL text: only the names this codebase makes up (letters, digits, `:`, `_`, `-`).
  if (!/^[A-Za-z0-9:_-]+$/.test(key)) throw new Error(`not a lock key: ${key}`);
  return `SELECT pg_advisory_xact_lock(hashtext('${key}'))`;
}

/** The same lock as lockForTransaction, with the key bound as parameter `parameter`, inside a larger statement. */
export function pgTransactionLockExpression(parameter: string): string {
  return `pg_advisory_xact_lock(hashtext(${parameter}))`;
}
