/**
 * Mandate's HTTP entry point: one process serving the protocol endpoints
 * directly on node:http and handing everything else (the console) to Next.
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import next from "next";
import { scheduleAuditRetention } from "@/lib/audit/retention-schedule";
import { getDb } from "@/lib/db/client";
import { describeDatabase, resolveDatabaseConfig } from "@/lib/db/config";
import { migrateDatabase } from "@/lib/db/migrate";
import { ensureSecrets } from "@/lib/config/local-secrets";
import { Gateway } from "@/lib/gateway/gateway";
import { createOAuthContext } from "@/lib/oauth/create-context";
import { startJtiPurge } from "@/lib/oauth/purge-seen-jti";
import { startReviewScheduler } from "@/lib/reviews/scheduler-loop";
import type { HttpRoute } from "./http-route";
import { applyConnectionLimits } from "./connection-limits";
import { livenessRoute, readinessRoute } from "./health";
import { exitOnSignals, InFlightRequests, shutDownGracefully, shutdownGraceMs } from "./shutdown";
import { protocolRoutes } from "./protocol-routes";
import { dispatchRoute } from "./route-dispatch";
import { gatewayRoutes } from "./gateway-routes";
import { scimRoutes } from "./scim-routes";
import { startOwnerlessSweeper } from "@/lib/directory/sweep-ownerless-agents";
import { ownerlessGraceMs } from "@/lib/directory/ownerless-grace";
import { ssfRoutes } from "./ssf-routes";
import { startSessionSweeper } from "@/lib/sessions/expire-sessions";
import { sessionLifecycleSettings } from "@/lib/sessions/lifecycle-settings";
import { SecurityEventDeliveryWorker } from "@/lib/security-events/delivery-worker";
import { warmUpWriters } from "@/lib/db/stores/process";
import { flushRefusalThrottles } from "@/lib/oauth/refusal-throttle";
import { instanceUrl, startInstanceHeartbeat } from "@/lib/gateway/instances";
import { scheduleRevocationDrills } from "@/lib/drills/drill-schedule";

const dev = process.argv.includes("--dev");
const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOSTNAME_BIND ?? process.env.HOST ?? "0.0.0.0";

async function main(): Promise<void> {
  const config = resolveDatabaseConfig();
  ensureSecrets(config);
  const trustProxy = process.env.MANDATE_TRUST_PROXY === "true";
  if (process.env.MANDATE_MIGRATE_ON_START !== "false") {
    // Brings the store up to date before serving; concurrent instances on one
    // PostgreSQL serialise on an advisory lock inside migrateDatabase.
    await migrateDatabase(config, { log: (l) => console.log(`mandate: ${l}`) });
  }
  const ctx = createOAuthContext(getDb());
  // The embedded store's write thread loads its jobs now rather than on the first token request.
  await warmUpWriters(ctx.db).catch((e: unknown) => console.error("mandate: SQLite write thread not warmed:", e));
  const gateway = new Gateway(ctx);
  // Fails closed until loaded; a failed first load is retried by the poll.
  await gateway
    .start()
    .catch((e: unknown) =>
      console.error("mandate: gateway revocation state not loaded yet:", e instanceof Error ? e.message : e),
    );
  // Used jti values are kept only until the token they guard has expired.
  const stopJtiPurge = startJtiPurge(ctx.db);
  // Reminders, escalation, recurring campaigns and the unused-grant scan (also `npm run mandate -- reviews-tick`).
  const schedulerMs = Number(process.env.MANDATE_REVIEW_SCHEDULER_MS ?? 300_000);
  const stopScheduler =
    schedulerMs > 0
      ? startReviewScheduler(getDb(), {
          intervalMs: schedulerMs,
          unusedDays: Number(process.env.MANDATE_REVIEW_UNUSED_DAYS ?? 90),
          log: (l) => console.log(`mandate: ${l}`),
        })
      : () => {};
  const stopRetention = scheduleAuditRetention(getDb(), (l) => console.log(`mandate: ${l}`));
  // Agents whose owner left are suspended once the grace period passes unless reassigned (MANDATE_OWNERLESS_SWEEP_MINUTES, default 15).
  const stopOwnerlessSweeper = startOwnerlessSweeper(ctx.db, {
    intervalMs: Math.max(1, Number(process.env.MANDATE_OWNERLESS_SWEEP_MINUTES ?? 15)) * 60_000,
    graceMs: ownerlessGraceMs(),
  });
  const routes: readonly HttpRoute[] = [
    livenessRoute,
    readinessRoute(ctx.db),
    ...protocolRoutes(ctx),
    ...ssfRoutes(ctx),
    ...gatewayRoutes(gateway),
    ...scimRoutes(ctx.db, () => ctx.issuer),
  ];
  // Sessions past their end or idle timeout leave the live view; CAEP events reach their receivers.
  const stopSweeper = startSessionSweeper(getDb(), sessionLifecycleSettings());
  const deliveries = new SecurityEventDeliveryWorker(getDb(), { keys: ctx.keys, issuer: () => ctx.issuer });
  deliveries.start();

  const app = next({ dev, dir: process.cwd(), hostname: "localhost", port });
  const handleNext = app.getRequestHandler();
  await app.prepare();

  const server = createServer((req, res) => {
    // Rate limits and the audit trail key on the client address: only a
    // configured reverse proxy may tell us what it is.
    if (!trustProxy) req.headers["x-forwarded-for"] = req.socket.remoteAddress ?? "";
    // Every request has an id the audit trail can quote (a caller's own id is kept).
    if (typeof req.headers["x-request-id"] !== "string" || !req.headers["x-request-id"])
      req.headers["x-request-id"] = randomUUID();
    if (!dispatchRoute(routes, req, res)) void handleNext(req, res);
  });
  applyConnectionLimits(server);
  const requests = new InFlightRequests(server);
  // Registered once listening: a revocation drill probes every instance at its own address.
  let stopHeartbeat: () => Promise<void> = async () => {};
  // Daily revocation drills (MANDATE_DRILL_SCHEDULE_HOURS; 0 turns them off).
  const stopDrills = scheduleRevocationDrills(ctx, (l) => console.log(`mandate: ${l}`));
  server.listen(port, hostname, () => {
    stopHeartbeat = startInstanceHeartbeat(getDb(), { id: gateway.instanceId, url: instanceUrl(port) });
    console.log(
      `mandate: console and protocol endpoints on http://localhost:${port} (${describeDatabase(config)}${dev ? ", dev" : ""})`,
    );
  });

  // SIGTERM (a process manager, `docker stop`) or SIGINT (Ctrl-C): drain, flush, close, exit 0.
  const graceMs = shutdownGraceMs();
  exitOnSignals(
    () =>
      shutDownGracefully({
        server,
        requests,
        graceMs,
        stopLoops: () => {
          stopJtiPurge();
          stopScheduler();
          stopRetention();
          stopOwnerlessSweeper();
          stopSweeper();
          stopDrills();
          void stopHeartbeat();
        },
        gateway,
        flushThrottles: flushRefusalThrottles,
        deliveries,
        closeApp: async () => {
          await (app as unknown as { close?: () => Promise<void> }).close?.();
        },
        closeStores: async () => {
          await stopHeartbeat();
          await getDb().$disconnect();
        },
      }),
    // Past the grace, flushing and closing are bounded by the store's timeouts (lib/db/store-timeouts.ts).
    graceMs + 30_000,
  );
}

main().catch((err: unknown) => {
  console.error("mandate: failed to start:", err instanceof Error ? err.message : err);
  process.exit(1);
});
