/**
 * Failed sign-ins allowed in a window, per account and per client address,
 * before further attempts are refused without checking the password.
 */
export interface SignInLimits {
  windowMs: number;
  perAccount: number;
  perAddress: number;
}

export function signInLimits(env: Record<string, string | undefined> = process.env): SignInLimits {
  return {
    windowMs: Number(env.MANDATE_SIGNIN_WINDOW_MINUTES ?? 15) * 60_000,
    perAccount: Number(env.MANDATE_SIGNIN_MAX_FAILURES_PER_ACCOUNT ?? 5),
    perAddress: Number(env.MANDATE_SIGNIN_MAX_FAILURES_PER_ADDRESS ?? 20),
  };
}
