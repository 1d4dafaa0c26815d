import type { Db } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import type { Principal } from "@/lib/auth/principal";
import { announceRevoked } from "./announce";
import { revokeLiveSessionsIn } from "./revoke-live-sessions";
import { lockRevocations } from "./revocation-lock";
import type { SessionLifecycleSettings } from "./lifecycle-settings";

const SYSTEM_LABEL = "session lifecycle";
const SYSTEM: Principal = { kind: "system", label: SYSTEM_LABEL, roles: [] };
/** Sessions ended per transaction: a backlog is worked off over several sweeps without a long lock. */
const BATCH = 1000;

export interface SweepResult {
  /** Past their maximum duration (their tokens had ended with them). */
  expired: number;
  /** Unused past the idle timeout: their tokens may still be unexpired, so they are logged for the gateways like a revocation. */
  idled: string[];
}

/**
 * Ends sessions whose time is up, so they leave the live view (they stay
 * queryable with status "expired"):
 *  - past `expiresAt` (the entitlement's maximum session duration, set at
 *    mint): status only, since no token outlives its session;
 *  - unused for the idle timeout: status, tokens and a RevocationEvent, so
 *    gateways and introspection refuse the session's remaining tokens.
 * Readers never wait for the sweep: introspection and the sessions list
 * already treat a session past `expiresAt` as ended.
 */
export async function expireSessions(db: Db, settings: Pick<SessionLifecycleSettings, "idleTimeoutMs">, now = new Date()): Promise<SweepResult> {
  const expired = await db.$transaction(async (tx) => {
    await lockRevocations(tx);
    const due = await tx.agentSession.findMany({ where: { status: "active", expiresAt: { lte: now } }, select: { id: true }, take: BATCH });
    if (due.length === 0) return 0;
    const { count } = await tx.agentSession.updateMany({ where: { id: { in: due.map((s) => s.id) }, status: "active" }, data: { status: "expired" } });
    await recordAudit(tx, {
      action: "session.expired", actorType: "system", actorLabel: SYSTEM_LABEL, targetType: "sessions", decision: "info",
      reason: "maximum session duration reached", occurredAt: now, detail: { count, sessionIds: due.slice(0, 50).map((s) => s.id) },
    });
    return count;
  });
  const cutoff = new Date(now.getTime() - settings.idleTimeoutMs);
  const idled = await db.$transaction((tx) =>
    revokeLiveSessionsIn(tx, SYSTEM, { expiresAt: { gt: now }, lastUsedAt: { lt: cutoff } }, {
      reason: "idle timeout", now, operation: { kind: "idle_timeout" }, status: "expired", limit: BATCH,
    }),
  );
  announceRevoked(idled.map((s) => s.id));
  return { expired, idled: idled.map((s) => s.id) };
}

/** Runs the sweep every `sweepMs` in this process; returns a stop function. Failures are logged and retried next time. */
export function startSessionSweeper(db: Db, settings: SessionLifecycleSettings): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const tick = () => {
    timer = setTimeout(() => {
      expireSessions(db, settings)
        .catch((e: unknown) => console.error("mandate: session sweep failed", e instanceof Error ? e.message : e))
        .finally(() => {
          if (!stopped) tick();
        });
    }, settings.sweepMs);
    timer.unref();
  };
  tick();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
