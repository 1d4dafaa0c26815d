/**
 * Bounds what unauthenticated junk can write to the audit trail. A refusal
 * that its sender did not authenticate for (no credentials, an unknown
 * client_id, a known client_id with a wrong secret, a malformed body, a SCIM
 * request without a valid token) costs the sender nothing, so each
 * (address, subject, error) gets `perWindow` individually audited refusals
 * per window; the rest are counted and recorded as ONE summary event when the
 * window closes (or at shutdown: `flushRefusalThrottles`). `subject` is the
 * known client a refusal names, if any. Many keys at once (beyond `maxKeys`)
 * share one counter per error code.
 */
export interface SuppressedRefusals<About = unknown> {
  clientAddress: string | null;
  error: string;
  count: number;
  windowSeconds: number;
  /** The known client the refusals named (its client_id), when they named one. */
  subject?: string;
  /** What the caller passed with the first refusal of the subject (e.g. its agent), for the summary. */
  about?: About;
}

interface Entry<About> {
  clientAddress: string | null;
  error: string;
  subject: string | null;
  about: About | undefined;
  seen: number;
}

export class RefusalThrottle<About = unknown> {
  private counts = new Map<string, Entry<About>>();
  private windowStart: number;
  private timer: NodeJS.Timeout | null = null;
  private readonly writes = new Set<Promise<unknown>>();

  constructor(
    private readonly onSuppressed: (s: SuppressedRefusals<About>) => void | Promise<unknown>,
    private readonly opts: { perWindow: number; windowMs: number; maxKeys: number } = {
      perWindow: 20,
      windowMs: 60_000,
      maxKeys: 10_000,
    },
    private readonly clock: () => number = Date.now,
  ) {
    this.windowStart = clock();
  }

  /** True when this refusal is to be audited on its own; false when it is counted into the window's summary. */
  admit(clientAddress: string | null, error: string, subject: string | null = null, about?: About): boolean {
    if (this.clock() - this.windowStart >= this.opts.windowMs) void this.flush();
    let key = `${clientAddress ?? ""}\u0000${subject ?? ""}\u0000${error}`;
    let entry = this.counts.get(key);
    if (!entry && this.counts.size >= this.opts.maxKeys) {
      key = `*\u0000${error}`;
      clientAddress = null;
      subject = null;
      about = undefined;
      entry = this.counts.get(key);
    }
    if (!entry) this.counts.set(key, (entry = { clientAddress, error, subject, about, seen: 0 }));
    entry.seen += 1;
    if (entry.seen <= this.opts.perWindow) return true;
    // The summary is written when the window closes, even if nothing else arrives.
    this.timer ??= setTimeout(
      () => void this.flush(),
      Math.max(0, this.windowStart + this.opts.windowMs - this.clock()),
    ).unref();
    return false;
  }

  /** Closes the window: reports what was suppressed in it and starts a new one; resolves when the reports are written. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const windowSeconds = Math.round((this.clock() - this.windowStart) / 1000);
    for (const e of this.counts.values()) {
      if (e.seen <= this.opts.perWindow) continue;
      const summary: SuppressedRefusals<About> = {
        clientAddress: e.clientAddress,
        error: e.error,
        count: e.seen - this.opts.perWindow,
        windowSeconds,
      };
      if (e.subject !== null) Object.assign(summary, { subject: e.subject, about: e.about });
      const written = this.onSuppressed(summary);
      if (written) {
        const settled = written.then(
          () => undefined,
          () => undefined,
        );
        this.writes.add(settled);
        void settled.then(() => this.writes.delete(settled));
      }
    }
    this.counts = new Map();
    this.windowStart = this.clock();
    return Promise.all([...this.writes]).then(() => undefined);
  }
}

const forShutdown = new Set<RefusalThrottle<never>>();

/** Keeps `throttle` to be flushed by `flushRefusalThrottles` (the server's graceful shutdown). */
export function flushAtShutdown<T>(throttle: RefusalThrottle<T>): RefusalThrottle<T> {
  forShutdown.add(throttle as unknown as RefusalThrottle<never>);
  return throttle;
}

/** Writes every pending summary now (server/shutdown.ts calls it before the stores close). */
export async function flushRefusalThrottles(): Promise<void> {
  await Promise.all([...forShutdown].map((t) => t.flush()));
}
