import type { Db } from "@/lib/db/client";
import { pingStore } from "@/lib/db/stores/process";
import { sendJson, type HttpRoute } from "./http-route";

/** Liveness: the process answers. */
export const livenessRoute: HttpRoute = {
  path: "/healthz",
  methods: ["GET", "HEAD"],
  handle(_req, res) {
    sendJson(res, 200, { status: "ok" });
  },
};

/** How long readiness waits for the store: a load balancer's probe needs an answer, not a hung connection. */
const READY_WAIT_MS = 2000;

/** Set while the server drains for shutdown (server/shutdown.ts): not ready, so the load balancer sends nothing new. */
let draining = false;
export function markDraining(): void {
  draining = true;
}

/** Readiness: the store answers. A load balancer stops sending traffic when it does not. */
export const readinessRoute = (db: Db): HttpRoute => ({
  path: "/readyz",
  methods: ["GET", "HEAD"],
  async handle(_req, res) {
    if (draining)
      return sendJson(res, 503, { status: "unavailable", reason: "shutting down" }, { connection: "close" });
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        pingStore(db),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("timed out")), READY_WAIT_MS))),
      ]);
      sendJson(res, 200, { status: "ready" });
    } catch {
      sendJson(res, 503, { status: "unavailable", reason: "database unreachable" }, { "retry-after": "1" });
    } finally {
      clearTimeout(timer);
    }
  },
});
