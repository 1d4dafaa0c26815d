import type { Principal } from "@/lib/auth/principal";
import type { OAuthContext } from "@/lib/oauth/context";
import { runDrills } from "./run-drill";

/** Who scheduled drills act as, in the audit trail. */
export const DRILL_SCHEDULE_ACTOR: Principal = { kind: "system", label: "revocation drill schedule", roles: [] };

/** Hours between scheduled drills of every server: MANDATE_DRILL_SCHEDULE_HOURS, default 24; 0 turns them off. */
export function drillScheduleHours(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.MANDATE_DRILL_SCHEDULE_HOURS;
  const v = raw === undefined || raw.trim() === "" ? 24 : Number(raw);
  return Number.isFinite(v) && v >= 0 ? v : 24;
}

/**
 * Drills every registered server on a schedule, inside the server (as the
 * audit retention job runs, lib/audit/retention-schedule.ts): first an hour
 * after start, then every MANDATE_DRILL_SCHEDULE_HOURS, with jitter so
 * instances sharing one store rarely drill together (if they do, each drill
 * is still self-contained: its own canary, its own result). A failed drill
 * is an alert in the audit trail (`drill.failed`). Returns a stop function.
 */
export function scheduleRevocationDrills(
  ctx: OAuthContext,
  log: (line: string) => void,
  hours = drillScheduleHours(),
): () => void {
  if (hours <= 0) return () => {};
  const everyMs = hours * 3_600_000;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const jitter = () => Math.floor(Math.random() * Math.min(everyMs / 10, 30 * 60_000));
  const run = async () => {
    try {
      const servers = await ctx.db.mcpServer.count();
      if (servers > 0) {
        const reports = await runDrills(ctx, DRILL_SCHEDULE_ACTOR, { serverIds: "all", trigger: "schedule" });
        const failed = reports.filter((r) => r.outcome === "failed");
        log(
          `revocation drills: ${reports.length - failed.length} of ${reports.length} servers passed${failed.length ? ` (failed: ${failed.map((r) => r.serverName).join(", ")})` : ""}`,
        );
      }
    } catch (e) {
      log(`revocation drills failed to run: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!stopped) timer = setTimeout(run, everyMs + jitter()).unref();
  };
  timer = setTimeout(run, Math.min(everyMs, 3_600_000) + jitter()).unref();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
