import { getDb } from "@/lib/db/client";
import { sendJson, type HttpRoute } from "./http-route";

/** Liveness: the process answers. */
export const livenessRoute: HttpRoute = {
  path: "/healthz",
  methods: ["GET", "HEAD"],
  handle(_req, res) {
    sendJson(res, 200, { status: "ok" });
  },
};

/** Readiness: the store answers. A load balancer stops sending traffic when it does not. */
export const readinessRoute: HttpRoute = {
  path: "/readyz",
  methods: ["GET", "HEAD"],
  async handle(_req, res) {
    try {
      await getDb().$queryRawUnsafe("SELECT 1");
      sendJson(res, 200, { status: "ready" });
    } catch {
      sendJson(res, 503, { status: "unavailable", reason: "database unreachable" });
    }
  },
};
