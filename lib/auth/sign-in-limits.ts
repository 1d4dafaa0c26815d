/**
 * How local sign-in stops password guessing without handing a stranger a way
 * to lock an admin out (README, "Failed sign-ins"):
 * - per account and address: `perAccountAddress` failures in the window refuse
 *   that pair until the window passes — one address cannot keep guessing one
 *   account, and the owner elsewhere is not affected;
 * - per address: `perAddress` failures in the window, whatever the accounts,
 *   refuse the address (password spraying);
 * - per account: past `perAccount` failures in the window, from any address,
 *   each further attempt waits twice as long as the last after the latest
 *   failure (1 s, 2 s, 4 s … at most `maxBackoffMs`) — many addresses guessing
 *   one account are slowed, never locked out for good; an address the account
 *   signed in from before (a known device) skips the back-off.
 */
export interface SignInLimits {
  windowMs: number;
  perAccountAddress: number;
  perAddress: number;
  perAccount: number;
  maxBackoffMs: number;
  /** How long a successful sign-in makes its address known to the account. */
  knownAddressMs: number;
}

const num = (value: string | undefined, fallback: number) => {
  const n = Number(value);
  return value !== undefined && value.trim() !== "" && Number.isFinite(n) && n >= 0 ? n : fallback;
};

export function signInLimits(env: Record<string, string | undefined> = process.env): SignInLimits {
  return {
    windowMs: num(env.MANDATE_SIGNIN_WINDOW_MINUTES, 15) * 60_000,
    perAccountAddress: num(env.MANDATE_SIGNIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS, 5),
    perAddress: num(env.MANDATE_SIGNIN_MAX_FAILURES_PER_ADDRESS, 20),
    perAccount: num(env.MANDATE_SIGNIN_MAX_FAILURES_PER_ACCOUNT, 5),
    maxBackoffMs: num(env.MANDATE_SIGNIN_MAX_BACKOFF_SECONDS, 300) * 1000,
    knownAddressMs: num(env.MANDATE_SIGNIN_KNOWN_ADDRESS_DAYS, 90) * 86_400_000,
  };
}

/** The per-account wait after `failures` failures in the window (0 while below the free allowance). */
export function accountBackoffMs(failures: number, limits: SignInLimits): number {
  if (failures < limits.perAccount) return 0;
  return Math.min(limits.maxBackoffMs, 1000 * 2 ** Math.min(failures - limits.perAccount, 30));
}
