import type { Db } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import type { Principal } from "@/lib/auth/principal";
import { announceRevoked } from "./announce";
import { reconcileLiveSessionsIn, sessionsOfHolder } from "./reconcile-live-sessions";
import { revokeLiveSessionsIn, revokingTransaction } from "./revoke-live-sessions";
import { lockRevocations } from "@/lib/db/stores/revocations";
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
  /** Revoked because a grant behind one of their tools expired since `assignmentsExpiredSince`. */
  lostAccess: string[];
}

/** Grants that expired this long before a sweeper's first pass are still checked (no session lives longer). */
const FIRST_PASS_LOOKBACK_MS = 24 * 3600 * 1000;
/** Assignments whose expiry is reconciled per transaction (the rest wait for the next pass). */
const EXPIRED_ASSIGNMENTS_PER_PASS = 500;

/**
 * Ends sessions whose time is up, so they leave the live view (they stay
 * queryable with status "expired"):
 *  - past `expiresAt` (the entitlement's maximum session duration, set at
 *    mint): status only, since no token outlives its session;
 *  - unused for the idle timeout: status, tokens and a RevocationEvent, so
 *    gateways and introspection refuse the session's remaining tokens;
 *  - holding a tool whose grant expired since `assignmentsExpiredSince`:
 *    revoked through the one revocation path, like any removal of access.
 * Readers never wait for the sweep: introspection and the sessions list
 * already treat a session past `expiresAt` as ended.
 */
export async function expireSessions(
  db: Db,
  settings: Pick<SessionLifecycleSettings, "idleTimeoutMs">,
  now = new Date(),
  assignmentsExpiredSince = new Date(now.getTime() - FIRST_PASS_LOOKBACK_MS),
): Promise<SweepResult> {
  const expired = await db.$transaction(async (tx) => {
    await lockRevocations(tx);
    const due = await tx.agentSession.findMany({
      where: { status: "active", expiresAt: { lte: now } },
      select: { id: true },
      take: BATCH,
    });
    if (due.length === 0) return 0;
    const { count } = await tx.agentSession.updateMany({
      where: { id: { in: due.map((s) => s.id) }, status: "active" },
      data: { status: "expired" },
    });
    await recordAudit(tx, {
      action: "session.expired",
      actorType: "system",
      actorLabel: SYSTEM_LABEL,
      targetType: "sessions",
      decision: "info",
      reason: "maximum session duration reached",
      occurredAt: now,
      detail: { count, sessionIds: due.slice(0, 50).map((s) => s.id) },
    });
    return count;
  });
  const cutoff = new Date(now.getTime() - settings.idleTimeoutMs);
  const idled = await db.$transaction((tx) =>
    revokeLiveSessionsIn(
      tx,
      SYSTEM,
      { expiresAt: { gt: now }, lastUsedAt: { lt: cutoff } },
      {
        reason: "idle timeout",
        now,
        operation: { kind: "idle_timeout" },
        status: "expired",
        limit: BATCH,
      },
    ),
  );
  announceRevoked(idled.map((s) => s.id));
  const lostAccess = await revokeSessionsOfExpiredGrants(db, assignmentsExpiredSince, now);
  return { expired, idled: idled.map((s) => s.id), lostAccess };
}

/**
 * An assignment that expires ends no row, so nothing else tells live
 * sessions: those of its holder that held one of its tools are reconciled
 * with what they still reach (no token outlives the grants behind its tools
 * anyway — see planBatch — this ends the session and records why). One
 * transaction per batch of assignments, in expiry order.
 */
async function revokeSessionsOfExpiredGrants(db: Db, since: Date, now: Date): Promise<string[]> {
  const revoked: string[] = [];
  let after: { expiresAt: Date; id: string } | null = null;
  for (;;) {
    const cursor = after;
    const batch = await revokingTransaction(
      db,
      async (tx): Promise<{ count: number; last: { expiresAt: Date; id: string } | null; lost: string[] }> => {
        const expired = await tx.assignment.findMany({
          where: {
            endedAt: null,
            expiresAt: { gt: since, lte: now },
            ...(cursor
              ? {
                  OR: [{ expiresAt: { gt: cursor.expiresAt } }, { expiresAt: cursor.expiresAt, id: { gt: cursor.id } }],
                }
              : {}),
          },
          orderBy: [{ expiresAt: "asc" }, { id: "asc" }],
          take: EXPIRED_ASSIGNMENTS_PER_PASS,
          select: {
            id: true,
            expiresAt: true,
            principalType: true,
            agentId: true,
            userId: true,
            groupId: true,
            entitlement: { select: { serverId: true, tools: { select: { toolId: true } } } },
          },
        });
        const holders = expired.flatMap((a) => {
          const principalId = a.agentId ?? a.userId ?? a.groupId;
          return principalId
            ? [{ ...sessionsOfHolder(a.principalType, principalId), serverId: a.entitlement.serverId }]
            : [];
        });
        const lost =
          holders.length === 0
            ? []
            : await reconcileLiveSessionsIn(
                tx,
                SYSTEM,
                { sessions: { OR: holders }, tools: expired.flatMap((a) => a.entitlement.tools.map((t) => t.toolId)) },
                {
                  reason: "assignment expired",
                  now,
                  operation: { kind: "assignment_expired", assignmentIds: expired.map((a) => a.id) },
                },
              );
        const last = expired.at(-1);
        return {
          count: expired.length,
          last: last ? { expiresAt: last.expiresAt!, id: last.id } : null,
          lost: lost.map((l) => l.id),
        };
      },
    );
    revoked.push(...batch.lost);
    if (!batch.last || batch.count < EXPIRED_ASSIGNMENTS_PER_PASS) return revoked;
    after = batch.last;
  }
}

/** Runs the sweep every `sweepMs` in this process; returns a stop function. Failures are logged and retried next time. */
export function startSessionSweeper(db: Db, settings: SessionLifecycleSettings): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  // Grants that expired since the previous pass (with one interval of overlap); the first pass looks back a day.
  let lastPassAt: Date | null = null;
  const tick = () => {
    timer = setTimeout(() => {
      const now = new Date();
      const since = lastPassAt ? new Date(lastPassAt.getTime() - settings.sweepMs) : undefined;
      expireSessions(db, settings, now, since)
        .then(() => {
          lastPassAt = now;
        })
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
