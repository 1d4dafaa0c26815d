import type { Db } from "@/lib/db/client";
import { mintStoreFor, type MintStore } from "@/lib/db/stores/mints";
import { isStoreUnavailable } from "@/lib/db/store-unavailable";
import type { OAuthError } from "@/lib/oauth/errors";
import { replayError, type JtiClaim, type MintRequest, type PendingWrite, type WriteOutcome } from "./mint-batch";
import type { MintRecord } from "./record-mint";
import type { Refusal } from "./record-refusal";

const MAX_BATCH = 512;

/** Errors whose refusal is already in the audit trail (a replayed claim found at commit). */
const audited = new WeakSet<object>();
export const isAudited = (err: unknown): boolean => typeof err === "object" && err !== null && audited.has(err);

interface Queued {
  item: PendingWrite;
  resolve(o: WriteOutcome): void;
  reject(e: unknown): void;
}

/**
 * Group commit for the token endpoint. Every request's durable outcome — the
 * mint (session created or extended, issued token, `token.minted`) or the
 * refusal (`token.refused`), with the single-use values it consumes — is
 * queued; whatever is queued when the previous commit ends (or at the end of
 * this turn of the event loop) is written in ONE transaction, audit hashes
 * chained in arrival order. Each caller hears back only after that commit, so
 * nothing is answered, let alone minted, without its audit record.
 *
 * One request's failure is its own: a claim seen before turns that request
 * into an audited refusal inside the batch; a batch that fails as a whole is
 * retried one request per transaction, so only the culprit fails — unless the
 * store did not answer, which fails them all (503).
 */
export class MintWriter {
  private queue: Queued[] = [];
  private running = false;
  private scheduled = false;

  constructor(private readonly store: MintStore) {}

  /** Records a mint; throws the replay refusal (already audited) when one of its claims was seen before. */
  async mint(
    mint: MintRequest,
    claims: JtiClaim[],
    refusal: Omit<Refusal, "error" | "description">,
  ): Promise<MintRecord> {
    const outcome = await this.enqueue({ type: "mint", claims: claims.splice(0), mint, refusal });
    if (outcome.type === "minted")
      return {
        sessionId: outcome.sessionId,
        expiresAt: outcome.expiresAt,
        ...(outcome.refreshExpiresAt ? { refreshExpiresAt: outcome.refreshExpiresAt } : {}),
      };
    if (outcome.type === "replayed") throw markAudited(replayError(outcome.replay));
    throw new Error("mint recorded as a refusal");
  }

  /** Records a refusal; returns the replay refusal instead when one of its claims was seen before (then that is what was audited). */
  async refuse(refusal: Refusal, claims: JtiClaim[], at = new Date()): Promise<OAuthError | null> {
    const outcome = await this.enqueue({ type: "refusal", claims: claims.splice(0), refusal, at });
    return outcome.type === "replayed" ? replayError(outcome.replay) : null;
  }

  private enqueue(item: PendingWrite): Promise<WriteOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.running || this.scheduled) return;
    this.scheduled = true;
    // Requests whose handlers run in this turn of the event loop join the same batch.
    setImmediate(() => {
      this.scheduled = false;
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        await this.commit(batch);
      }
    } finally {
      this.running = false;
    }
  }

  private async commit(batch: Queued[]): Promise<void> {
    try {
      const outcomes = await this.store.write(batch.map((q) => q.item));
      for (const [i, q] of batch.entries()) q.resolve(outcomes[i]!);
    } catch (e) {
      // The store did not answer: every request fails alike (503), none is retried alone — the batch may in fact
      // have committed with its answer lost, and a retry would then refuse its own mints as duplicates.
      if (batch.length === 1 || isStoreUnavailable(e)) {
        for (const q of batch) q.reject(e);
        return;
      }
      for (const q of batch) await this.commit([q]);
    }
  }
}

function markAudited(err: OAuthError): OAuthError {
  audited.add(err);
  return err;
}

const writers = new WeakMap<object, MintWriter>();

/** The process's writer for this store. */
export function mintWriterOf(db: Db): MintWriter {
  let writer = writers.get(db);
  if (!writer) writers.set(db, (writer = new MintWriter(mintStoreFor(db))));
  return writer;
}
