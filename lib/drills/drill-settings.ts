/** How drills judge and how long they wait. */
export interface DrillSettings {
  /** A revocation must be refused at every enforcement point within this (MANDATE_DRILL_TARGET_MS, default 1000: the gateway's freshness bound). */
  targetMs: number;
  /** How long a drill keeps probing for a refusal before recording that none came (MANDATE_DRILL_TIMEOUT_MS, default 10000). */
  timeoutMs: number;
  /** Pause between two probes of one enforcement point. */
  probeEveryMs: number;
}

function positive(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const v = Number(env[name]);
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
}

export function drillSettings(env: Record<string, string | undefined> = process.env): DrillSettings {
  const targetMs = positive(env, "MANDATE_DRILL_TARGET_MS", 1000);
  return {
    targetMs,
    timeoutMs: Math.max(targetMs, positive(env, "MANDATE_DRILL_TIMEOUT_MS", 10_000)),
    probeEveryMs: 25,
  };
}
