import { recordAudit } from "@/lib/audit/record";
import type { Db } from "@/lib/db/client";
import { lockSigningKeys } from "./key-lock";
import { newSigningKey, type SigningAlg } from "./new-signing-key";

/**
 * Makes sure the ring has an active key, creating one on first use — with a
 * `next` key beside it, so the first rotation promotes a key that clients
 * have already seen in the JWKS. Keys and their audit events commit together.
 */
export async function ensureActiveKey(db: Db, alg: SigningAlg, now = new Date()): Promise<void> {
  const present = await db.signingKey.count({ where: { status: "active" } });
  if (present > 0) return;
  const [active, next] = await Promise.all([newSigningKey(alg), newSigningKey(alg)]);
  await db.$transaction(async (tx) => {
    await lockSigningKeys(tx);
    // Another instance may have won the race while we generated.
    if ((await tx.signingKey.count({ where: { status: "active" } })) > 0) return;
    await tx.signingKey.create({
      data: { ...active, publicJwk: active.publicJwk as object, status: "active", createdAt: now, activatedAt: now },
    });
    await recordAudit(tx, {
      action: "key.created",
      actorType: "system",
      actorLabel: "token service",
      targetType: "signing_key",
      targetId: active.kid,
      decision: "info",
      detail: { alg, status: "active" },
      occurredAt: now,
    });
    await recordAudit(tx, {
      action: "key.activated",
      actorType: "system",
      actorLabel: "token service",
      targetType: "signing_key",
      targetId: active.kid,
      decision: "info",
      reason: "first key of the ring",
      occurredAt: now,
    });
    if ((await tx.signingKey.count({ where: { status: "next" } })) === 0) {
      await tx.signingKey.create({
        data: { ...next, publicJwk: next.publicJwk as object, status: "next", createdAt: now },
      });
      await recordAudit(tx, {
        action: "key.created",
        actorType: "system",
        actorLabel: "token service",
        targetType: "signing_key",
        targetId: next.kid,
        decision: "info",
        detail: { alg, status: "next" },
        occurredAt: now,
      });
    }
  });
}
