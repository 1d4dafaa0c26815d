/** Agent session lifecycle tunables, from the environment once. */
export interface SessionLifecycleSettings {
  /**
   * A session unused for this long ends (MANDATE_SESSION_IDLE_MINUTES, 60).
   * Its maximum duration comes from its entitlements (maxSessionSeconds) at mint.
   */
  idleTimeoutMs: number;
  /** How often the sweeper ends sessions past their end or idle timeout. */
  sweepMs: number;
}

export function sessionLifecycleSettings(env: NodeJS.ProcessEnv = process.env): SessionLifecycleSettings {
  const num = (name: string, fallback: number) => {
    const v = Number(env[name]);
    return Number.isFinite(v) && v > 0 ? v : fallback;
  };
  return {
    idleTimeoutMs: num("MANDATE_SESSION_IDLE_MINUTES", 60) * 60_000,
    sweepMs: num("MANDATE_SESSION_SWEEP_SECONDS", 15) * 1000,
  };
}
