import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Gateway } from "@/lib/gateway/gateway";
import type { SecurityEventDeliveryWorker } from "@/lib/security-events/delivery-worker";
import { markDraining } from "./health";

/** How long in-flight requests may take to finish after SIGTERM/SIGINT (MANDATE_SHUTDOWN_GRACE_SECONDS). */
export function shutdownGraceMs(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.MANDATE_SHUTDOWN_GRACE_SECONDS);
  return (Number.isFinite(v) && v >= 0 && env.MANDATE_SHUTDOWN_GRACE_SECONDS?.trim() ? v : 10) * 1000;
}

/**
 * The requests a server is answering, so a shutdown can wait for them.
 * Attach before the server handles anything (it listens first).
 */
export class InFlightRequests {
  private readonly active = new Set<ServerResponse>();
  private readonly streams = new Set<ServerResponse>();
  private draining = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly server: Server) {
    server.prependListener("request", (req: IncomingMessage, res: ServerResponse) => {
      this.active.add(res);
      // A long-lived event stream (an MCP GET stream) has no end to wait for: it is cut when draining starts, and
      // its client reconnects — to another instance.
      const stream = req.method === "GET" && String(req.headers.accept ?? "").includes("text/event-stream");
      if (stream) this.streams.add(res);
      // Draining: answer, then close the connection, so keep-alive clients move to another instance.
      if (this.draining) res.shouldKeepAlive = false;
      if (this.draining && stream) setImmediate(() => res.destroy());
      res.once("close", () => {
        this.active.delete(res);
        this.streams.delete(res);
        // A response that began before draining kept its connection alive: close it now that it is idle.
        if (this.draining) setImmediate(() => this.server.closeIdleConnections());
        if (this.active.size === 0) for (const w of this.idleWaiters.splice(0)) w();
      });
    });
  }

  get size(): number {
    return this.active.size;
  }

  /** From now on every response closes its connection, and open event streams are cut. */
  startDraining(): void {
    this.draining = true;
    for (const res of this.active) if (!res.headersSent) res.shouldKeepAlive = false;
    for (const res of this.streams) res.destroy();
  }

  /** Resolves when no request is in flight, or after `ms` (true if it went idle). */
  idle(ms: number): Promise<boolean> {
    if (this.active.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}

export interface ShutdownParts {
  server: Server;
  requests: InFlightRequests;
  graceMs: number;
  /** Stops the loops that start new work (sweepers, schedulers); called first. */
  stopLoops?: () => void;
  gateway?: Gateway;
  deliveries?: SecurityEventDeliveryWorker;
  /** Writes the summaries of throttled refusals still counting (lib/oauth/refusal-throttle.ts). */
  flushThrottles?: () => Promise<void>;
  /** Whatever else serves requests (Next), closed once they are done. */
  closeApp?: () => Promise<void>;
  /** Closes the stores last: the SQLite write thread drains before it stops. */
  closeStores: () => Promise<void>;
  log?: (line: string) => void;
}

/**
 * The graceful stop, in order: stop accepting (and report not ready), let the
 * requests in flight finish within the grace period (then cut what is left),
 * write the gateway's pending audit events and the summaries of throttled
 * refusals, deliver what the security event
 * outbox holds (within what is left of the grace), and close the stores.
 * Nothing is written after the stores close: every write's promise was
 * awaited by then.
 */
export async function shutDownGracefully(p: ShutdownParts): Promise<void> {
  const log = p.log ?? ((l: string) => console.log(`mandate: ${l}`));
  const deadline = Date.now() + p.graceMs;
  markDraining();
  p.server.close();
  p.requests.startDraining();
  p.server.closeIdleConnections();
  p.stopLoops?.();
  if (p.requests.size > 0)
    log(`waiting up to ${Math.round(p.graceMs / 1000)}s for ${p.requests.size} request(s) in flight`);
  if (!(await p.requests.idle(Math.max(0, deadline - Date.now())))) {
    log(`grace period over: cutting ${p.requests.size} request(s) still in flight`);
    p.server.closeAllConnections();
  }
  await p
    .closeApp?.()
    .catch((e: unknown) => log(`closing the console failed: ${e instanceof Error ? e.message : String(e)}`));
  // Refusal events queued by the requests just finished; allowed calls' events are already committed.
  await p.gateway?.stop();
  await p
    .flushThrottles?.()
    .catch((e: unknown) =>
      log(`writing throttled refusal summaries failed: ${e instanceof Error ? e.message : String(e)}`),
    );
  if (p.deliveries) await p.deliveries.stop({ drainWithinMs: Math.max(0, deadline - Date.now()) });
  await p.closeStores();
}

/**
 * Runs `shutdown` on the first SIGTERM or SIGINT and exits 0 when it is done,
 * 1 if it failed or overran `hardLimitMs`. Repeated signals are ignored: a
 * terminal's Ctrl-C reaches both a wrapper (npm, scripts/start.mjs) and the
 * server, and the wrapper forwards it once more.
 */
export function exitOnSignals(shutdown: (signal: string) => Promise<void>, hardLimitMs: number): void {
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`mandate: ${signal}, shutting down`);
    setTimeout(() => {
      console.error(`mandate: shutdown did not finish within ${Math.round(hardLimitMs / 1000)}s, exiting`);
      process.exit(1);
    }, hardLimitMs).unref();
    shutdown(signal).then(
      () => {
        console.log("mandate: stopped");
        process.exit(0);
      },
      (e: unknown) => {
        console.error("mandate: shutdown failed:", e);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => onSignal("SIGTERM"));
  process.on("SIGINT", () => onSignal("SIGINT"));
}
