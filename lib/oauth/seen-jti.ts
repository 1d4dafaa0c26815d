import type { Db, Tx } from "@/lib/db/client";

/** Prisma's unique-constraint code, the same on both stores' driver adapters. */
function isUniqueViolation(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: unknown }).code === "P2002";
}

/**
 * Records a jti as used; false when it was used before. The primary key does
 * the check, so two instances racing on one assertion cannot both win.
 * Rows are kept until the token they guard has expired.
 */
export async function consumeJti(db: Db | Tx, key: string, expiresAt: Date): Promise<boolean> {
  try {
    await db.seenJti.create({ data: { key, expiresAt } });
    return true;
  } catch (e) {
    if (isUniqueViolation(e)) return false;
    throw e;
  }
}
