/**
 * One Mandate instance for multi-instance tests and benches: the protocol
 * server (token service, introspection, gateway) on the store named by
 * DATABASE_URL, as server/main.ts mounts it, without Next. Prints
 * `listening <port>` once serving. Instances share MANDATE_ISSUER, as
 * instances behind one load balancer do.
 *
 * Test-only route: `POST /test/revoke` with `{"sessionId": "…"}` revokes a
 * session through the console's domain function, as the console on this
 * instance would (commit, then announce on this process's bus).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { getDb } from "@/lib/db/client";
import { sqliteWriterOf } from "@/lib/db/sqlite-writer";
import { writeToolCallBatchJob } from "@/lib/db/stores/tool-calls/sqlite";
import { Gateway } from "@/lib/gateway/gateway";
import { instanceUrl, startInstanceHeartbeat } from "@/lib/gateway/instances";
import { createOAuthContext } from "@/lib/oauth/create-context";
import { SecurityEventDeliveryWorker } from "@/lib/security-events/delivery-worker";
import { revokeSessions } from "@/lib/sessions/revoke-sessions";
import { writeMintBatchJob } from "@/lib/db/stores/mints/sqlite";
import { applyConnectionLimits } from "@/server/connection-limits";
import { createProtocolServer } from "@/server/protocol-server";
import { exitOnSignals, InFlightRequests, shutDownGracefully, shutdownGraceMs } from "@/server/shutdown";

const db = getDb();
const ctx = createOAuthContext(db);
await sqliteWriterOf(db)?.preload([writeMintBatchJob, writeToolCallBatchJob]);
const gateway = new Gateway(ctx);
await gateway.start();
const deliveries = new SecurityEventDeliveryWorker(db, { keys: ctx.keys, issuer: () => ctx.issuer });
deliveries.start();
const protocol = createProtocolServer(ctx, { gateway });
const server = createServer((req, res) => {
  if (req.method === "POST" && req.url === "/test/revoke") {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const { sessionId } = JSON.parse(body) as { sessionId: string };
      revokeSessions(
        db,
        { kind: "system", label: "instance test", roles: ["oncall"] },
        { sessionIds: [sessionId], reason: "revoked on another instance" },
      )
        .then((r) => {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ ...r, committedAt: Date.now() }));
        })
        .catch((e: unknown) => {
          res.writeHead(500);
          res.end(String(e));
        });
    });
    return;
  }
  protocol.emit("request", req, res);
});
// As server/main.ts: the same connection limits and the same graceful stop.
applyConnectionLimits(server);
const requests = new InFlightRequests(server);
let stopHeartbeat: () => Promise<void> = async () => {};
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  // As server/main.ts: known to revocation drills at its own address.
  stopHeartbeat = startInstanceHeartbeat(db, {
    id: gateway.instanceId,
    url: instanceUrl((server.address() as AddressInfo).port),
  });
  console.log(`listening ${(server.address() as AddressInfo).port}`);
});
const grace = shutdownGraceMs();
exitOnSignals(
  () =>
    shutDownGracefully({
      server,
      requests,
      graceMs: grace,
      gateway,
      deliveries,
      closeStores: async () => {
        await stopHeartbeat();
        await db.$disconnect();
      },
    }),
  grace + 15_000,
);
