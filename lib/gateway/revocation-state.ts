import type { Db } from "@/lib/db/client";
import { revocationBus, type Revocation } from "./revocation-bus";
import type { GatewaySettings } from "./settings";

/** Entries announced on the bus carry no expiry: keep them this long (beyond any access token's lifetime). */
const ANNOUNCED_KEEP_MS = 24 * 3600 * 1000;

/**
 * The gateway's in-process view of revoked sessions and tokens, so checking
 * a request costs two map lookups and no database round trip. Loaded once,
 * then refreshed incrementally by polling `revokedAt` (indexed on both
 * tables) and updated at once by the in-process revocation bus.
 *
 * Fail closed: `isFresh` turns false when no refresh has succeeded within
 * `revocationStaleAfterMs`; the gateway then refuses everything.
 */
export class RevocationState {
  /** id/jti → when the entry can be forgotten (its session or token would have ended anyway). */
  private readonly sessions = new Map<string, number>();
  private readonly jtis = new Map<string, number>();
  private lastQueryAt: Date | null = null;
  private lastOkAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private refreshing: Promise<void> | null = null;
  private polls = 0;
  private readonly listeners = new Set<(r: Revocation) => void>();

  constructor(
    private readonly db: Db,
    private readonly settings: Pick<GatewaySettings, "revocationPollMs" | "revocationStaleAfterMs" | "revocationOverlapMs">,
  ) {}

  /** Loads the state and starts polling and listening. Rejects when the first load fails. */
  async start(): Promise<void> {
    this.unsubscribe ??= revocationBus.subscribe((r) => this.apply(r));
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
  }

  /** Called once for each revocation this state learns of (from the bus or a poll). */
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
    map.set(key, until);
    if (!known) this.learned(r);
  }

  private schedule(): void {
    if (!this.unsubscribe) return; // stopped
    this.timer = setTimeout(() => {
      this.refresh()
        .catch((e: unknown) => console.error("mandate: gateway revocation refresh failed", e instanceof Error ? e.message : e))
        .finally(() => this.schedule());
    }, this.settings.revocationPollMs);
    this.timer.unref();
  }

  /** One poll; concurrent callers share it. */
  refresh(): Promise<void> {
    this.refreshing ??= this.poll().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async poll(): Promise<void> {
    const started = new Date();
    const since = this.lastQueryAt ? new Date(this.lastQueryAt.getTime() - this.settings.revocationOverlapMs) : null;
    const [sessions, tokens] = await Promise.all([
      this.db.agentSession.findMany({
        // First load: every session ended by revocation and not yet expired
        // (status too, in case a revoker set it without a timestamp).
        where: since ? { revokedAt: { gt: since } } : { OR: [{ revokedAt: { not: null } }, { status: "revoked" }], expiresAt: { gt: started } },
        select: { id: true, expiresAt: true },
      }),
      this.db.issuedToken.findMany({
        where: since ? { revokedAt: { gt: since } } : { revokedAt: { not: null }, expiresAt: { gt: started } },
        select: { jti: true, expiresAt: true },
      }),
    ]);
    for (const s of sessions) {
      const known = this.sessions.get(s.id);
      this.sessions.set(s.id, Math.max(known ?? 0, s.expiresAt.getTime()));
      if (known === undefined) this.learned({ sessionId: s.id });
    }
    for (const t of tokens) {
      const known = this.jtis.get(t.jti);
      this.jtis.set(t.jti, Math.max(known ?? 0, t.expiresAt.getTime()));
      if (known === undefined) this.learned({ jti: t.jti });
    }
    // Pruning walks every entry: every 40th poll (~10 s) is often enough.
    if (++this.polls % 40 === 0) this.prune(started.getTime());
    this.lastQueryAt = started;
    this.lastOkAt = Date.now();
  }

  private prune(now: number): void {
    for (const [k, until] of this.sessions) if (until <= now) this.sessions.delete(k);
    for (const [k, until] of this.jtis) if (until <= now) this.jtis.delete(k);
  }
}
