import type { Db } from "@/lib/db/client";

/** How often a running instance says it is alive. */
export const HEARTBEAT_MS = 10_000;
/** An instance not heard from for this long is taken to be gone (three missed heartbeats). */
export const INSTANCE_GONE_AFTER_MS = 3 * HEARTBEAT_MS;

export interface GatewayInstanceRow {
  id: string;
  url: string;
  startedAt: Date;
  lastSeenAt: Date;
}

/**
 * Keeps this process's row in GatewayInstance fresh so that a revocation
 * drill (lib/drills/run-drill.ts) knows every instance enforcing at a gateway
 * and can probe each one at its own address — a load balancer would answer
 * from whichever instance it picked. The row is removed on a clean stop; a
 * crashed instance's row ages out after INSTANCE_GONE_AFTER_MS. A failed
 * heartbeat is retried at the next beat: it must never stop the gateway.
 */
export function startInstanceHeartbeat(
  db: Db,
  instance: { id: string; url: string },
  everyMs = HEARTBEAT_MS,
): () => Promise<void> {
  const startedAt = new Date();
  let stopping: Promise<void> | null = null;
  const beat = async () => {
    const now = new Date();
    try {
      await db.gatewayInstance.upsert({
        where: { id: instance.id },
        create: { id: instance.id, url: instance.url, startedAt, lastSeenAt: now },
        update: { lastSeenAt: now, url: instance.url },
      });
    } catch (e) {
      console.error("mandate: instance heartbeat failed:", e instanceof Error ? e.message : e);
    }
  };
  void beat();
  const timer = setInterval(() => void beat(), everyMs);
  timer.unref();
  // Idempotent: every caller waits for the one removal.
  return () => {
    clearInterval(timer);
    stopping ??= db.gatewayInstance.deleteMany({ where: { id: instance.id } }).then(
      () => undefined,
      () => undefined,
    );
    return stopping;
  };
}

/** The instances heard from recently, oldest first. */
export function liveInstances(db: Db, now = new Date()): Promise<GatewayInstanceRow[]> {
  return db.gatewayInstance.findMany({
    where: { lastSeenAt: { gt: new Date(now.getTime() - INSTANCE_GONE_AFTER_MS) } },
    orderBy: { startedAt: "asc" },
  });
}

/** Where this process is reachable by the other instances: MANDATE_INSTANCE_URL, else loopback on its port. */
export function instanceUrl(port: number, env: NodeJS.ProcessEnv = process.env): string {
  return (env.MANDATE_INSTANCE_URL?.trim() || `http://127.0.0.1:${port}`).replace(/\/+$/, "");
}
