import { providerOf, type Tx } from "@/lib/db/client";

/**
 * Serialises key-table changes across instances sharing one PostgreSQL, so two
 * processes starting together cannot both create an active key. SQLite has a
 * single writer already.
 */
export async function lockSigningKeys(tx: Tx): Promise<void> {
  if (providerOf(tx) === "postgresql") {
    await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(hashtext($1))", "mandate:signing-keys");
  }
}
