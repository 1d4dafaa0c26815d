import type { Db } from "@/lib/db/client";
import type { KeyRing } from "@/lib/keys/key-ring";
import { signToken } from "@/lib/tokens/sign-token";
import { SET_TYP } from "./caep";
import { receiverAuthHeader } from "./receivers";

export interface DeliverySettings {
  /** How often the outbox is checked for due deliveries. */
  pollMs: number;
  /** After this many failed attempts a delivery is marked failed. */
  maxAttempts: number;
  /** First retry delay; doubles per attempt, capped at maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
  /** A push that has not answered within this is a failed attempt. */
  timeoutMs: number;
  /** While one worker is delivering a row, others leave it alone for this long. */
  leaseMs: number;
}

export const DEFAULT_DELIVERY_SETTINGS: DeliverySettings = {
  pollMs: 1000,
  maxAttempts: 8,
  backoffMs: 1000,
  maxBackoffMs: 5 * 60_000,
  timeoutMs: 5000,
  leaseMs: 30_000,
};

const BATCH = 50;

/**
 * Delivers the security event outbox by SSF push (RFC 8935): each SET is
 * signed with Mandate's active signing key (typ secevent+jwt, RFC 8417),
 * POSTed as application/secevent+jwt; 202 (any 2xx) means accepted; 400 is
 * the receiver refusing this SET (RFC 8935 §2.3: retrying cannot help);
 * anything else is retried with exponential backoff. Rows are claimed with a
 * lease, so several instances can run the worker at once.
 */
export class SecurityEventDeliveryWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopped = true;
  readonly settings: DeliverySettings;

  constructor(
    private readonly db: Db,
    private readonly signer: { keys: KeyRing; issuer: () => string },
    settings: Partial<DeliverySettings> = {},
  ) {
    this.settings = { ...DEFAULT_DELIVERY_SETTINGS, ...settings };
  }

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  /**
   * Stops polling. With `drainWithinMs` (a shutdown's flush) it then waits for
   * the pass in progress and keeps delivering what is due until nothing is or
   * that time is up; rows it had not reached wait in the outbox for the next
   * worker — another instance's, or this one's after a restart (a row claimed
   * and not finished is retried once its lease ends).
   */
  async stop(opts: { drainWithinMs?: number } = {}): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!opts.drainWithinMs) return;
    const deadline = Date.now() + opts.drainWithinMs;
    const within = <T>(work: Promise<T>): Promise<T | null> => {
      let timer: NodeJS.Timeout | undefined;
      const out = new Promise<null>((r) => (timer = setTimeout(() => r(null), Math.max(0, deadline - Date.now()))));
      return Promise.race([work, out]).finally(() => clearTimeout(timer));
    };
    const failed = (e: unknown) => {
      console.error("mandate: security event delivery failed", e instanceof Error ? e.message : e);
      return 0;
    };
    if (this.running) await within(this.running.catch(failed));
    while (Date.now() < deadline) {
      const attempted = await within(this.deliverDue().catch(failed));
      if (!attempted) break;
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.deliverDue()
        .catch((e: unknown) =>
          console.error("mandate: security event delivery failed", e instanceof Error ? e.message : e),
        )
        .finally(() => this.schedule());
    }, this.settings.pollMs);
    this.timer.unref();
  }

  /** One pass over the due deliveries; concurrent callers share it. Returns how many were attempted. */
  deliverDue(now = new Date()): Promise<number> {
    this.running ??= this.pass(now).finally(() => (this.running = null));
    return this.running;
  }

  private async pass(now: Date): Promise<number> {
    const due = await this.db.securityEventDelivery.findMany({
      where: { status: "pending", nextAttemptAt: { lte: now } },
      orderBy: { nextAttemptAt: "asc" },
      take: BATCH,
      include: { receiver: true },
    });
    let attempted = 0;
    for (const d of due) {
      // Claim: only the worker whose update matched delivers it.
      const claimed = await this.db.securityEventDelivery.updateMany({
        where: { id: d.id, status: "pending", nextAttemptAt: d.nextAttemptAt },
        data: { nextAttemptAt: new Date(now.getTime() + this.settings.leaseMs) },
      });
      if (claimed.count !== 1) continue;
      attempted++;
      const outcome = await this.push(d.receiver, d.payload);
      const attempts = d.attempts + 1;
      if (outcome.ok) {
        await this.db.securityEventDelivery.update({
          where: { id: d.id },
          data: {
            status: "delivered",
            attempts,
            deliveredAt: new Date(),
            lastHttpStatus: outcome.status,
            lastError: null,
          },
        });
      } else {
        const final = outcome.permanent || attempts >= this.settings.maxAttempts;
        const delay = Math.min(this.settings.backoffMs * 2 ** (attempts - 1), this.settings.maxBackoffMs);
        await this.db.securityEventDelivery.update({
          where: { id: d.id },
          data: {
            status: final ? "failed" : "pending",
            attempts,
            lastHttpStatus: outcome.status,
            lastError: outcome.error.slice(0, 500),
            nextAttemptAt: new Date(Date.now() + delay),
          },
        });
      }
    }
    return attempted;
  }

  private async push(
    receiver: { id: string; url: string; authHeaderEnc: string | null; enabled: boolean },
    payload: string,
  ): Promise<{ ok: true; status: number } | { ok: false; permanent: boolean; status: number | null; error: string }> {
    if (!receiver.enabled) return { ok: false, permanent: true, status: null, error: "receiver disabled" };
    let set: string;
    try {
      const claims = JSON.parse(payload) as Record<string, unknown>;
      set = await signToken(this.signer.keys, SET_TYP, {
        ...claims,
        iss: this.signer.issuer(),
        iat: Math.floor(Date.now() / 1000),
        aud: receiver.url,
      });
    } catch (e) {
      return {
        ok: false,
        permanent: false,
        status: null,
        error: `signing failed: ${e instanceof Error ? e.message : String(e)}`,
      };
    }
    const auth = receiverAuthHeader(receiver);
    try {
      const r = await fetch(receiver.url, {
        method: "POST",
        headers: {
          "content-type": "application/secevent+jwt",
          accept: "application/json",
          ...(auth ? { authorization: auth } : {}),
        },
        body: set,
        redirect: "manual",
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
      const text = await r.text().catch(() => "");
      if (r.status >= 200 && r.status < 300) return { ok: true, status: r.status };
      let error = `HTTP ${r.status}`;
      try {
        const body = JSON.parse(text) as { err?: string; description?: string };
        if (body.err) error += `: ${body.err}${body.description ? ` (${body.description})` : ""}`;
      } catch {
        // not a JSON error body
      }
      return { ok: false, permanent: r.status === 400, status: r.status, error };
    } catch (e) {
      return { ok: false, permanent: false, status: null, error: e instanceof Error ? e.message : String(e) };
    }
  }
}
