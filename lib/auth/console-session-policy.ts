/**
 * How long a console sign-in lasts. Idle: no request for this long ends it.
 * Absolute: it ends this long after sign-in whatever happens.
 */
export interface ConsoleSessionPolicy {
  idleTimeoutMs: number;
  absoluteLifetimeMs: number;
}

const MINUTE = 60_000;

export function consoleSessionPolicy(env: Record<string, string | undefined> = process.env): ConsoleSessionPolicy {
  const idle = Number(env.MANDATE_CONSOLE_IDLE_MINUTES ?? 30);
  const absolute = Number(env.MANDATE_CONSOLE_MAX_HOURS ?? 12);
  if (!(idle > 0) || !(absolute > 0)) {
    throw new Error("MANDATE_CONSOLE_IDLE_MINUTES and MANDATE_CONSOLE_MAX_HOURS must be positive numbers");
  }
  return { idleTimeoutMs: idle * MINUTE, absoluteLifetimeMs: absolute * 60 * MINUTE };
}
