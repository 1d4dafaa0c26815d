/**
 * Bounds what unauthenticated junk can write to the audit trail. A refusal
 * that names no known client (no credentials, an unknown client_id, a
 * malformed body) costs the sender nothing, so each (address, error) pair
 * gets `perWindow` individually audited refusals per window; the rest are
 * counted and recorded as ONE summary event when the window closes. Refusals
 * of known clients are always audited one by one. Many addresses at once
 * (beyond `maxKeys`) share one counter per error code.
 */
export interface SuppressedRefusals {
  clientAddress: string | null;
  error: string;
  count: number;
  windowSeconds: number;
}

export class RefusalThrottle {
  private counts = new Map<string, { clientAddress: string | null; error: string; seen: number }>();
  private windowStart: number;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly onSuppressed: (s: SuppressedRefusals) => void,
    private readonly opts: { perWindow: number; windowMs: number; maxKeys: number } = { perWindow: 20, windowMs: 60_000, maxKeys: 10_000 },
    private readonly clock: () => number = Date.now,
  ) {
    this.windowStart = clock();
  }

  /** True when this refusal is to be audited on its own; false when it is counted into the window's summary. */
  admit(clientAddress: string | null, error: string): boolean {
    if (this.clock() - this.windowStart >= this.opts.windowMs) this.flush();
    let key = `${clientAddress ?? ""}\u0000${error}`;
    let entry = this.counts.get(key);
    if (!entry && this.counts.size >= this.opts.maxKeys) {
      key = `*\u0000${error}`;
      clientAddress = null;
      entry = this.counts.get(key);
    }
    if (!entry) this.counts.set(key, (entry = { clientAddress, error, seen: 0 }));
    entry.seen += 1;
    if (entry.seen <= this.opts.perWindow) return true;
    // The summary is written when the window closes, even if nothing else arrives.
    this.timer ??= setTimeout(() => this.flush(), Math.max(0, this.windowStart + this.opts.windowMs - this.clock())).unref();
    return false;
  }

  /** Closes the window: reports what was suppressed in it and starts a new one. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const windowSeconds = Math.round((this.clock() - this.windowStart) / 1000);
    for (const e of this.counts.values()) {
      if (e.seen > this.opts.perWindow) this.onSuppressed({ clientAddress: e.clientAddress, error: e.error, count: e.seen - this.opts.perWindow, windowSeconds });
    }
    this.counts = new Map();
    this.windowStart = this.clock();
  }
}
