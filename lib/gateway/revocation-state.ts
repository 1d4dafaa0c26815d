import type { Db } from "@/lib/db/client";
import { CATCH_UP_BATCH, revocationListenerFor, revocationsSince } from "@/lib/db/stores/revocations";
import type { RevocationListener } from "@/lib/db/stores/revocations/listener";
import { revocationBus, type Revocation } from "./revocation-bus";
import type { GatewaySettings } from "./settings";

/** Entries announced on the bus or by NOTIFY carry no expiry: keep them this long (beyond any access token's lifetime). */
const ANNOUNCED_KEEP_MS = 24 * 3600 * 1000;
export interface RevocationStateOptions {
  /** PostgreSQL: LISTEN for revocations on a dedicated connection (default: when the store is PostgreSQL). */
  listen?: boolean;
  /** First reconnection delay of the listening connection. */
  listenReconnectMs?: number;
}

/**
 * The gateway's in-process view of revoked sessions and tokens, so checking
 * a request costs two map lookups and no database round trip.
 *
 * How it learns of revocations, fastest first:
 *  1. the in-process bus (revocations made by this process, after commit);
 *  2. on PostgreSQL, NOTIFY from the revoking transaction (sent only on
 *     commit) on a dedicated LISTEN connection, which reconnects by itself;
 *  3. the poll, every `revocationPollMs`: a catch-up read of RevocationEvent
 *     past the highest seq applied (the watermark — seq order is commit
 *     order, see lib/db/stores/revocations/index.ts), so a missed notification
 *     cannot leave a token alive; plus `revokedAt` since the previous poll,
 *     with overlap, as a safety net for rows changed outside the one
 *     revocation path (lib/sessions/revoke-live-sessions.ts), by hand say.
 *
 * Fail closed: `isFresh` turns false when no catch-up read that started
 * within `revocationStaleAfterMs` has succeeded; the gateway then refuses
 * everything. Whatever happens to notifications, a revocation committed at T
 * is therefore enforced from T + revocationStaleAfterMs at the latest: by
 * then a read that began after T has applied it, or requests get 503.
 */
export class RevocationState {
  /** id/jti → when the entry can be forgotten (its session or token would have ended anyway). */
  private readonly sessions = new Map<string, number>();
  private readonly jtis = new Map<string, number>();
  private lastQueryAt: Date | null = null;
  /** Highest RevocationEvent.seq applied; null before the first load. */
  private watermark: number | null = null;
  private lastOkAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private refreshing: Promise<void> | null = null;
  private again = false;
  private polls = 0;
  private readonly listeners = new Set<(r: Revocation) => void>();
  private listener: RevocationListener | null = null;

  constructor(
    private readonly db: Db,
    private readonly settings: Pick<
      GatewaySettings,
      "revocationPollMs" | "revocationStaleAfterMs" | "revocationOverlapMs"
    >,
    private readonly options: RevocationStateOptions = {},
  ) {}

  /** Loads the state and starts polling and listening. Rejects when the first load fails. */
  async start(): Promise<void> {
    this.unsubscribe ??= revocationBus.subscribe((r) => this.apply(r));
    this.startListening();
    try {
      await this.refresh();
    } finally {
      // Keep polling even when the first load failed: the gateway recovers by itself.
      this.schedule();
    }
  }

  /** Stops polling (the state then goes stale and the gateway fails closed) and stops listening. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    void this.listener?.stop();
    this.listener = null;
  }

  /** The PostgreSQL listener, when there is one (tests cut its connection). */
  get notifications(): RevocationListener | null {
    return this.listener;
  }

  private startListening(): void {
    if (this.listener) return;
    if (this.options.listen === false) return;
    this.listener = revocationListenerFor(this.db, {
      reconnectMs: this.options.listenReconnectMs,
      onNotify: (payload) => this.notified(payload),
      // (Re)connected: whatever was notified while nobody listened is read now.
      onListening: () => void this.refresh().catch(() => {}),
    });
    this.listener?.start();
  }

  private notified(payload: string): void {
    try {
      const p = JSON.parse(payload) as { s?: unknown; t?: unknown };
      if (Array.isArray(p.s)) for (const id of p.s) if (typeof id === "string") this.apply({ sessionId: id });
      if (Array.isArray(p.t)) for (const jti of p.t) if (typeof jti === "string") this.apply({ jti });
    } catch {
      // Not ours or truncated: the catch-up read below covers it.
    }
    void this.refresh().catch(() => {});
  }

  /** Called once for each revocation this state learns of (from the bus, a notification or a poll). */
  onNewRevocation(listener: (r: Revocation) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private learned(r: Revocation): void {
    for (const l of this.listeners) l(r);
  }

  isFresh(now = Date.now()): boolean {
    return now - this.lastOkAt <= this.settings.revocationStaleAfterMs;
  }

  /** Why this session or token may no longer be used; null when it may. */
  revokedReason(sessionId: string, jti: string): string | null {
    if (this.sessions.has(sessionId)) return "session revoked";
    if (this.jtis.has(jti)) return "token revoked";
    return null;
  }

  private apply(r: Revocation): void {
    const until = Date.now() + ANNOUNCED_KEEP_MS;
    const map = "sessionId" in r ? this.sessions : this.jtis;
    const key = "sessionId" in r ? r.sessionId : r.jti;
    const known = map.has(key);
    if (!known) map.set(key, until);
    if (!known) this.learned(r);
  }

  private remember(map: Map<string, number>, key: string, until: number, r: Revocation): void {
    const known = map.get(key);
    map.set(key, Math.max(known ?? 0, until));
    if (known === undefined) this.learned(r);
  }

  private schedule(): void {
    if (!this.unsubscribe) return; // stopped
    this.timer = setTimeout(() => {
      this.refresh()
        .catch((e: unknown) =>
          console.error("mandate: gateway revocation refresh failed", e instanceof Error ? e.message : e),
        )
        .finally(() => this.schedule());
    }, this.settings.revocationPollMs);
    this.timer.unref();
  }

  /**
   * One catch-up read; concurrent callers share it. A call made while a read
   * is running gets another read after it (the running one may have started
   * before the revocation it was called for committed).
   */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    const run = async (): Promise<void> => {
      try {
        do {
          this.again = false;
          await this.poll();
        } while (this.again);
      } finally {
        this.refreshing = null;
      }
    };
    this.refreshing = run();
    return this.refreshing;
  }

  private async poll(): Promise<void> {
    const started = new Date();
    const since = this.lastQueryAt ? new Date(this.lastQueryAt.getTime() - this.settings.revocationOverlapMs) : null;
    if (this.watermark === null) {
      // First load: the watermark first, so nothing committed between the reads is skipped.
      const head = await this.db.revocationEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } });
      const [sessions, tokens] = await Promise.all([
        // Every session ended by revocation and not yet expired (status too, in case a revoker set it without a timestamp).
        this.db.agentSession.findMany({
          where: { OR: [{ revokedAt: { not: null } }, { status: "revoked" }], expiresAt: { gt: started } },
          select: { id: true, expiresAt: true },
        }),
        this.db.issuedToken.findMany({
          where: { revokedAt: { not: null }, expiresAt: { gt: started } },
          select: { jti: true, expiresAt: true },
        }),
      ]);
      for (const s of sessions) this.remember(this.sessions, s.id, s.expiresAt.getTime(), { sessionId: s.id });
      for (const t of tokens) this.remember(this.jtis, t.jti, t.expiresAt.getTime(), { jti: t.jti });
      this.watermark = head?.seq ?? 0;
    } else {
      // Four times a second on every instance: the store's driver reads, each an index seek.
      const { events, sessions, tokens } = await revocationsSince(this.db, this.watermark, since);
      for (const e of events) {
        const until = e.expiresAt.getTime();
        if (e.sessionId) this.remember(this.sessions, e.sessionId, until, { sessionId: e.sessionId });
        if (e.jti) this.remember(this.jtis, e.jti, until, { jti: e.jti });
        this.watermark = e.seq;
      }
      for (const s of sessions) this.remember(this.sessions, s.id, s.expiresAt.getTime(), { sessionId: s.id });
      for (const t of tokens) this.remember(this.jtis, t.jti, t.expiresAt.getTime(), { jti: t.jti });
      if (events.length === CATCH_UP_BATCH) this.again = true;
    }
    // Pruning walks every entry: every 40th poll (~10 s) is often enough.
    if (++this.polls % 40 === 0) this.prune(started.getTime());
    this.lastQueryAt = started;
    // Fresh as of when the read began, not when it ended: it cannot have seen a revocation committed after its
    // start, so a slow read must not extend the time a revoked session can go on.
    this.lastOkAt = Math.max(this.lastOkAt, started.getTime());
  }

  private prune(now: number): void {
    for (const [k, until] of this.sessions) if (until <= now) this.sessions.delete(k);
    for (const [k, until] of this.jtis) if (until <= now) this.jtis.delete(k);
  }
}
