/**
 * An attempt limit on client secrets: after `perWindow` wrong secrets for one
 * client from one address in a window, that address's further attempts for
 * that client are refused without checking the secret until the window
 * passes. Keyed by client and address, so a stranger elsewhere cannot shut the
 * agent out; secrets are high-entropy, so the limit is about cost and noise,
 * not about the odds of a guess. In-process and bounded: beyond `maxKeys`
 * the oldest window is dropped.
 */
export class SecretAttempts {
  private failures = new Map<string, { count: number; since: number }>();

  constructor(
    private readonly opts: { perWindow: number; windowMs: number; maxKeys: number } = {
      perWindow: 10,
      windowMs: 60_000,
      maxKeys: 10_000,
    },
    private readonly clock: () => number = Date.now,
  ) {}

  private key(clientId: string, clientAddress: string | null): string {
    return `${clientId}\u0000${clientAddress ?? ""}`;
  }

  /** Whether this client's secret may be checked for a request from this address now. */
  allowed(clientId: string, clientAddress: string | null): boolean {
    const key = this.key(clientId, clientAddress);
    const entry = this.failures.get(key);
    if (!entry) return true;
    if (this.clock() - entry.since >= this.opts.windowMs) {
      this.failures.delete(key);
      return true;
    }
    return entry.count < this.opts.perWindow;
  }

  failed(clientId: string, clientAddress: string | null): void {
    const key = this.key(clientId, clientAddress);
    const now = this.clock();
    const entry = this.failures.get(key);
    if (entry && now - entry.since < this.opts.windowMs) {
      entry.count += 1;
      return;
    }
    if (!entry && this.failures.size >= this.opts.maxKeys) this.failures.delete(this.failures.keys().next().value!);
    this.failures.set(key, { count: 1, since: now });
  }

  succeeded(clientId: string, clientAddress: string | null): void {
    this.failures.delete(this.key(clientId, clientAddress));
  }
}
