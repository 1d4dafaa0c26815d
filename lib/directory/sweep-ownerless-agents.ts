import type { Db } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import { agentSnapshot } from "@/lib/agents/agent-snapshot";

export interface SweepResult {
  suspended: string[];
}

const BATCH = 200;

/**
 * Suspends the active agents whose owner left more than `graceMs` ago and that
 * nobody reassigned since. The agent keeps its assignments (reactivating after
 * a reassignment restores it exactly); one audit event each, by the system.
 */
export async function sweepOwnerlessAgents(db: Db, opts: { now: Date; graceMs: number }): Promise<SweepResult> {
  const cutoff = new Date(opts.now.getTime() - opts.graceMs);
  const suspended: string[] = [];
  for (;;) {
    const batch = await db.$transaction(async (tx) => {
      const due = await tx.agent.findMany({
        where: { status: "active", ownerlessSince: { lte: cutoff } },
        orderBy: { id: "asc" },
        take: BATCH,
      });
      for (const before of due) {
        const after = await tx.agent.update({
          where: { id: before.id },
          data: { status: "suspended", suspendedAt: opts.now, updatedAt: opts.now },
        });
        await recordAudit(tx, {
          action: "agent.suspended",
          actorType: "system",
          actorLabel: "mandate ownerless-agent sweeper",
          targetType: "agent",
          targetId: before.id,
          targetLabel: before.name,
          decision: "allow",
          occurredAt: opts.now,
          reason: `Ownerless since ${before.ownerlessSince!.toISOString()} and not reassigned within the grace period`,
          detail: { before: agentSnapshot(before), after: agentSnapshot(after), ownerlessSince: before.ownerlessSince },
        });
      }
      return due.map((a) => a.id);
    });
    suspended.push(...batch);
    if (batch.length < BATCH) return { suspended };
  }
}

/**
 * Runs the sweep every `intervalMs` (the server starts it; tests call
 * sweepOwnerlessAgents with their own clock). Failures are logged and retried
 * at the next tick.
 */
export function startOwnerlessSweeper(
  db: Db,
  opts: { intervalMs: number; graceMs: number; clock?: () => Date },
): () => void {
  const clock = opts.clock ?? (() => new Date());
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const { suspended } = await sweepOwnerlessAgents(db, { now: clock(), graceMs: opts.graceMs });
      if (suspended.length > 0) console.log(`mandate: suspended ${suspended.length} ownerless agent(s)`);
    } catch (e) {
      console.error("mandate: ownerless-agent sweep failed:", e instanceof Error ? e.message : e);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), opts.intervalMs);
  timer.unref();
  void tick();
  return () => clearInterval(timer);
}
