import { databaseConfigOf, providerOf, type Db, type Tx } from "@/lib/db/client";
import { rawDate, rawInt, rawNullableString, rawString } from "@/lib/db/raw-values";
import { readRows } from "@/lib/db/read-rows";
import { lockForTransaction } from "@/lib/db/stores/transaction-lock";
import { RevocationListener, type RevocationListenerOptions } from "./listener";

/**
 * Sessions and revocations beyond plain Prisma: the lock revokers take, the
 * notification to the other instances, their dedicated listening connection,
 * and the gateway's steady-state catch-up reads. On the embedded store there
 * is one instance and one writer: no lock to take, nobody to notify.
 */

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
const REVOCATION_CHANNEL = "mandate_revocations";

/** NOTIFY payloads are limited to 8000 bytes: past this many ids the payload only says "catch up". */
const MAX_IDS_IN_PAYLOAD = 150;

/** Tells the other instances (after commit) that revocations are there to read: sessions as `s`, single tokens (by jti) as `t`. */
export async function notifyRevocations(
  tx: Tx,
  sessionIds: readonly string[],
  jtis: readonly string[] = [],
): Promise<void> {
  if (providerOf(tx) !== "postgresql") return;
  const fits = sessionIds.length + jtis.length <= MAX_IDS_IN_PAYLOAD;
  const payload = JSON.stringify(fits ? { s: sessionIds, ...(jtis.length > 0 ? { t: jtis } : {}) } : { catchUp: true });
  await tx.$executeRawUnsafe("SELECT pg_notify($1, $2)", REVOCATION_CHANNEL, payload);
}

/**
 * A listener for notifyRevocations' notifications on a connection of its own, not yet started; null on the
 * embedded store (one instance: its own bus tells it everything) or for a transaction's client.
 */
export function revocationListenerFor(
  db: Db,
  opts: Omit<RevocationListenerOptions, "url" | "channel">,
): RevocationListener | null {
  const config = databaseConfigOf(db);
  if (config?.provider !== "postgresql") return null;
  return new RevocationListener({ ...opts, url: config.url, channel: REVOCATION_CHANNEL });
}

/** Catch-up reads take at most this many revocation events at a time (the next read continues). */
export const CATCH_UP_BATCH = 5000;

/** The steady-state poll's reads (exported for the test that checks each one seeks an index). */
export const CATCH_UP_SQL = `SELECT "seq", "sessionId", "jti", "expiresAt" FROM "RevocationEvent" WHERE "seq" > $1 ORDER BY "seq" ASC LIMIT ${CATCH_UP_BATCH}`;
export const SESSIONS_REVOKED_SINCE_SQL = `SELECT "id", "expiresAt" FROM "AgentSession" WHERE "revokedAt" > $1`;
export const TOKENS_REVOKED_SINCE_SQL = `SELECT "jti", "expiresAt" FROM "IssuedToken" WHERE "revokedAt" > $1`;

export interface LoggedRevocation {
  seq: number;
  sessionId: string | null;
  jti: string | null;
  expiresAt: Date;
}

/**
 * The revocation log past `watermark` (at most CATCH_UP_BATCH events, in order), and the sessions and tokens
 * revoked after `since` (null: none asked for). Several times a second on every instance: through the driver's
 * read path, each an index seek, not the ORM.
 */
export async function revocationsSince(
  db: Db,
  watermark: number,
  since: Date | null,
): Promise<{
  events: LoggedRevocation[];
  sessions: { id: string; expiresAt: Date }[];
  tokens: { jti: string; expiresAt: Date }[];
}> {
  const [events, sessions, tokens] = await Promise.all([
    readRows(db, CATCH_UP_SQL, [watermark]),
    since ? readRows(db, SESSIONS_REVOKED_SINCE_SQL, [since]) : [],
    since ? readRows(db, TOKENS_REVOKED_SINCE_SQL, [since]) : [],
  ]);
  return {
    events: events.map((e) => ({
      seq: rawInt(e.seq),
      sessionId: rawNullableString(e.sessionId),
      jti: rawNullableString(e.jti),
      expiresAt: rawDate(e.expiresAt)!,
    })),
    sessions: sessions.map((s) => ({ id: rawString(s.id), expiresAt: rawDate(s.expiresAt)! })),
    tokens: tokens.map((t) => ({ jti: rawString(t.jti), expiresAt: rawDate(t.expiresAt)! })),
  };
}
