import type { Db, Tx } from "@/lib/db/client";
import { lockForTransaction } from "@/lib/db/stores/transaction-lock";
import { accountBackoffMs, type SignInLimits } from "./sign-in-limits";

export type SignInReservation = { ok: true; id: string } | { ok: false; retryAfterSeconds: number };

/**
 * Serialises the reservations of one account and of one address across
 * instances sharing one PostgreSQL (the account first, then the address: one
 * order, so two reservations never wait on each other in a cycle). SQLite's
 * transactions already take turns (lib/db/sqlite-writer.ts): no lock there.
 */
async function lockAttempts(tx: Tx, account: string, clientAddress: string | null): Promise<void> {
  await lockForTransaction(tx, `mandate:sign-in:account:${account}`);
  if (clientAddress) await lockForTransaction(tx, `mandate:sign-in:address:${clientAddress}`);
}

/**
 * Counts the failures that limit this attempt and, if none does, records the
 * attempt as a failure in the same transaction, before its password is
 * checked: concurrent guesses each see the ones before them, so no more than
 * the limit are ever checked. `releaseSignInAttempt` removes the row when the
 * password was right.
 */
export async function reserveSignInAttempt(
  db: Db,
  input: { account: string; clientAddress: string | null; knownAddress: boolean },
  limits: SignInLimits,
  now: Date,
): Promise<SignInReservation> {
  const since = new Date(now.getTime() - limits.windowMs);
  const reservation = await db.$transaction(async (tx): Promise<SignInReservation> => {
    await lockAttempts(tx, input.account, input.clientAddress);
    const window = { occurredAt: { gte: since } };
    const [byAccount, byAddress] = await Promise.all([
      tx.signInAttempt.findMany({
        where: { account: input.account, ...window },
        select: { clientAddress: true, occurredAt: true },
        orderBy: { occurredAt: "asc" },
      }),
      input.clientAddress
        ? tx.signInAttempt.findMany({
            where: { clientAddress: input.clientAddress, ...window },
            select: { occurredAt: true },
            orderBy: { occurredAt: "asc" },
          })
        : Promise.resolve([]),
    ]);
    const byPair = input.clientAddress ? byAccount.filter((a) => a.clientAddress === input.clientAddress) : [];
    // A count limit frees its slot when the failure that filled it leaves the window.
    const countLimited = (list: readonly { occurredAt: Date }[], max: number) =>
      list.length >= max ? list[list.length - max]!.occurredAt.getTime() + limits.windowMs - now.getTime() : 0;
    const last = byAccount[byAccount.length - 1];
    const backoff =
      input.knownAddress || !last
        ? 0
        : last.occurredAt.getTime() + accountBackoffMs(byAccount.length, limits) - now.getTime();
    const waitMs = Math.max(
      countLimited(byPair, limits.perAccountAddress),
      countLimited(byAddress, limits.perAddress),
      backoff,
    );
    if (waitMs > 0) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    const row = await tx.signInAttempt.create({
      data: { account: input.account, clientAddress: input.clientAddress, occurredAt: now },
      select: { id: true },
    });
    return { ok: true, id: row.id };
  });
  // Failures older than the window limit nothing: drop them (a lost race here only leaves them for the next attempt).
  await db.signInAttempt.deleteMany({ where: { occurredAt: { lt: since } } }).catch(() => undefined);
  return reservation;
}

/** The password was right: this attempt was no guess and limits nothing. */
export async function releaseSignInAttempt(db: Db, id: string): Promise<void> {
  await db.signInAttempt.deleteMany({ where: { id } });
}
