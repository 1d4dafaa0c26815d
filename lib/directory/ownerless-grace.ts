/** How long an ownerless agent keeps working before the sweeper suspends it (MANDATE_OWNERLESS_GRACE_DAYS, default 14). */
export function ownerlessGraceMs(env: Record<string, string | undefined> = process.env): number {
  const days = Number(env.MANDATE_OWNERLESS_GRACE_DAYS ?? 14);
  return (Number.isFinite(days) && days >= 0 ? days : 14) * 86_400_000;
}
