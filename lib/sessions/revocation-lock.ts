import { providerOf, type Tx } from "@/lib/db/client";
import { lockForTransaction } from "@/lib/db/stores/transaction-lock";

/**
 * Revocation writers serialise on one transaction-scoped lock, so that
 * RevocationEvent.seq is allocated and committed in the same order: a reader
 * that has applied seq N has seen every revocation committed before N.
 * (SQLite has a single writer; the lock is PostgreSQL's.)
 */
export async function lockRevocations(tx: Tx): Promise<void> {
  await lockForTransaction(tx, "mandate:revocations");
}

/** The channel every instance LISTENs on; notifications are sent inside the transaction, so only on commit. */
export const REVOCATION_CHANNEL = "mandate_revocations";

/** NOTIFY payloads are limited to 8000 bytes: past this many ids the payload only says "catch up". */
const MAX_IDS_IN_PAYLOAD = 150;

/** Tells the other instances (after commit) that revocations are there to read: sessions as `s`, single tokens (by jti) as `t`. */
export async function notifyRevocations(tx: Tx, sessionIds: readonly string[], jtis: readonly string[] = []): Promise<void> {
  if (providerOf(tx) !== "postgresql") return;
  const fits = sessionIds.length + jtis.length <= MAX_IDS_IN_PAYLOAD;
  const payload = JSON.stringify(fits ? { s: sessionIds, ...(jtis.length > 0 ? { t: jtis } : {}) } : { catchUp: true });
  await tx.$executeRawUnsafe("SELECT pg_notify($1, $2)", REVOCATION_CHANNEL, payload);
}
