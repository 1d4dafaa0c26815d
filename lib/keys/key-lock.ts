import type { Tx } from "@/lib/db/client";
import { lockForTransaction } from "@/lib/db/stores/transaction-lock";

/**
 * Serialises key-table changes across instances sharing one PostgreSQL, so two
 * processes starting together cannot both create an active key. SQLite has a
 * single writer already.
 */
export async function lockSigningKeys(tx: Tx): Promise<void> {
  await lockForTransaction(tx, "mandate:signing-keys");
}
