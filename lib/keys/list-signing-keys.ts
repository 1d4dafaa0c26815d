import type { Db } from "@/lib/db/client";

export type SigningKeyStatus = "next" | "active" | "retiring" | "retired";

export interface SigningKeyItem {
  kid: string;
  alg: string;
  status: SigningKeyStatus;
  createdAt: Date;
  /** When it started signing (null: not yet, for a `next` key). */
  activatedAt: Date | null;
  /** When it stopped signing. */
  retiringAt: Date | null;
  /** Until when it stays in the JWKS: the last token it signed has expired by then. */
  publishUntil: Date | null;
}

const ORDER: Record<SigningKeyStatus, number> = { next: 0, active: 1, retiring: 2, retired: 3 };

/** Every signing key of the ring, the ones in use first, newest first within a status. Public facts only: never key material. */
export async function listSigningKeys(db: Db): Promise<SigningKeyItem[]> {
  const rows = await db.signingKey.findMany({
    orderBy: { createdAt: "desc" },
    select: {
      kid: true,
      alg: true,
      status: true,
      createdAt: true,
      activatedAt: true,
      retiringAt: true,
      publishUntil: true,
    },
  });
  return rows
    .map((r) => ({ ...r, status: r.status as SigningKeyStatus }))
    .sort((a, b) => ORDER[a.status] - ORDER[b.status]);
}
