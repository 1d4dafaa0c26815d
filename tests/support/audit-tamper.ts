import { providerOf, type Db, type Tx } from "@/lib/db/client";

/**
 * Edits the audit table the way an attacker with database access would: on
 * PostgreSQL past the append-only trigger (replica mode skips ordinary
 * triggers; needs a superuser, as the test cluster's postgres is).
 */
export async function tamperWithAudit(db: Db, edit: (tx: Tx) => Promise<unknown>): Promise<void> {
  await db.$transaction(async (tx) => {
    if (providerOf(db) === "postgresql") await tx.$executeRawUnsafe("SET LOCAL session_replication_role = replica");
    await edit(tx);
  });
}
