import pg from "pg";
import { boundedClientConfig } from "@/lib/db/store-timeouts";

export interface RevocationListenerOptions {
  url: string;
  channel: string;
  /** A notification arrived (payload as sent by pg_notify). */
  onNotify: (payload: string) => void;
  /** LISTEN is (again) in place: read what may have been missed while it was not. */
  onListening: () => void;
  /** First reconnection delay; doubles up to maxReconnectMs. */
  reconnectMs?: number;
  maxReconnectMs?: number;
}

/** The name the listening connection shows in pg_stat_activity (operators, and the tests that cut it). */
export const LISTENER_APPLICATION_NAME = "mandate-revocation-listener";

/**
 * One dedicated PostgreSQL connection per instance, LISTENing for revocation
 * notifications (the pool's connections are shared and short-lived, so they
 * cannot hold a LISTEN). When the connection drops it reconnects with backoff
 * and reports `onListening` again, so the owner catches up on whatever was
 * notified while nobody listened.
 */
export class RevocationListener {
  private client: pg.Client | null = null;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private delay: number;
  /** How many times LISTEN was established (1 after the first connect). */
  connects = 0;

  constructor(private readonly opts: RevocationListenerOptions) {
    this.delay = opts.reconnectMs ?? 100;
  }

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => {});
  }

  get listening(): boolean {
    return this.client !== null;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    // A bounded connect: against a database that accepts and never answers, an unbounded one would never retry.
    const client = new pg.Client({
      ...boundedClientConfig(this.opts.url),
      application_name: LISTENER_APPLICATION_NAME,
    });
    let failed = false;
    const fail = () => {
      if (failed) return;
      failed = true;
      if (this.client === client) this.client = null;
      void client.end().catch(() => {});
      this.reconnectLater();
    };
    client.on("error", fail);
    client.on("end", fail);
    client.on("notification", (n) => {
      if (n.channel === this.opts.channel) this.opts.onNotify(n.payload ?? "");
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${client.escapeIdentifier(this.opts.channel)}`);
    } catch {
      fail();
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.connects++;
    this.delay = this.opts.reconnectMs ?? 100;
    this.opts.onListening();
  }

  private reconnectLater(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, this.delay);
    this.timer.unref();
    this.delay = Math.min(this.delay * 2, this.opts.maxReconnectMs ?? 2000);
  }
}
