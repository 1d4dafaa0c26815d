/**
 * The caller's address. server/main.ts overwrites x-forwarded-for with the
 * socket address unless MANDATE_TRUST_PROXY is set, so this cannot be spoofed
 * by a client talking to Mandate directly.
 */
export function clientAddressOf(headers: Headers): string | null {
  const forwarded = headers.get("x-forwarded-for");
  return forwarded ? forwarded.split(",")[0]!.trim().slice(0, 64) : null;
}
