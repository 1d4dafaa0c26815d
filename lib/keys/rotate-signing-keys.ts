import { recordAudit } from "@/lib/audit/record";
import type { Db } from "@/lib/db/client";
import { DomainError } from "@/lib/errors/domain-error";
import { tokenServiceSettings } from "@/lib/oauth/defaults";
import { lockSigningKeys } from "./key-lock";
import { newSigningKey, type SigningAlg } from "./new-signing-key";

export interface RotationResult {
  /** kid that signs from now on, or null when there was no `next` key to promote yet. */
  activated: string | null;
  /** kid moved to `retiring` (still published until `publishUntil`). */
  retiring: string | null;
  /** kids unpublished because no token they signed can still be valid. */
  retired: string[];
  /** kid of the freshly created `next` key, published now and promoted by the following rotation. */
  created: string | null;
}

export interface RotationOptions {
  now?: Date;
  alg?: SigningAlg;
  /** Who asked (console user id), for the audit trail. */
  actorId?: string | null;
  actorLabel?: string | null;
  /** Longest lifetime of anything the retiring key signed; defaults to the service's access-token cap. */
  maxTokenLifetimeSeconds?: number;
}

/**
 * One rotation step. A key is always published before it signs: `next` →
 * `active`; the old active key → `retiring` and stays published until the
 * last token it signed has expired; retiring keys past that → `retired`. When
 * no `next` key exists, one is created and nothing is promoted (promoting an
 * unpublished key would break verifiers with a cached JWKS). A `next` key
 * published less than keyMinPublishSeconds ago is not promoted either: two
 * rotations in a row would otherwise make a key sign that other instances
 * and verifiers have not fetched yet. That refusal changes nothing.
 */
export async function rotateSigningKeys(db: Db, opts: RotationOptions = {}): Promise<RotationResult> {
  const settings = tokenServiceSettings();
  const now = opts.now ?? new Date();
  const alg = opts.alg ?? settings.signingAlg;
  const lifetime = opts.maxTokenLifetimeSeconds ?? Math.max(settings.accessTokenMaxSeconds, settings.idJagSeconds);
  const publishUntil = new Date(now.getTime() + (lifetime + settings.clockSkewSeconds) * 1000);
  const fresh = await newSigningKey(alg);
  const actor = {
    actorType: opts.actorId ? ("user" as const) : ("system" as const),
    actorId: opts.actorId ?? null,
    actorLabel: opts.actorLabel ?? "key rotation",
    occurredAt: now,
  };

  return db.$transaction(async (tx) => {
    await lockSigningKeys(tx);
    const result: RotationResult = { activated: null, retiring: null, retired: [], created: null };

    const expired = await tx.signingKey.findMany({
      where: { status: "retiring", publishUntil: { lte: now } },
      select: { kid: true },
    });
    for (const k of expired) {
      await tx.signingKey.update({ where: { kid: k.kid }, data: { status: "retired" } });
      await recordAudit(tx, {
        ...actor,
        action: "key.retired",
        targetType: "signing_key",
        targetId: k.kid,
        decision: "info",
        reason: "past publishUntil",
      });
      result.retired.push(k.kid);
    }

    const next = await tx.signingKey.findFirst({ where: { status: "next" }, orderBy: { createdAt: "asc" } });
    if (next) {
      const signsFrom = new Date(next.createdAt.getTime() + settings.keyMinPublishSeconds * 1000);
      if (signsFrom > now) {
        const ago = Math.max(0, Math.round((now.getTime() - next.createdAt.getTime()) / 1000));
        throw new DomainError(
          "conflict",
          `The next key ${next.kid} was published ${ago} s ago; it can start signing at ${signsFrom.toISOString()}, once other instances and verifiers have fetched it.`,
        );
      }
      const active = await tx.signingKey.findMany({ where: { status: "active" }, select: { kid: true } });
      for (const a of active) {
        await tx.signingKey.update({
          where: { kid: a.kid },
          data: { status: "retiring", retiringAt: now, publishUntil },
        });
        result.retiring = a.kid;
      }
      await tx.signingKey.update({ where: { kid: next.kid }, data: { status: "active", activatedAt: now } });
      await recordAudit(tx, {
        ...actor,
        action: "key.activated",
        targetType: "signing_key",
        targetId: next.kid,
        decision: "info",
        detail: { retiring: result.retiring, publishUntil: publishUntil.toISOString() },
      });
      result.activated = next.kid;
    }

    if ((await tx.signingKey.count({ where: { status: "next" } })) === 0) {
      await tx.signingKey.create({
        data: { ...fresh, publicJwk: fresh.publicJwk as object, status: "next", createdAt: now },
      });
      await recordAudit(tx, {
        ...actor,
        action: "key.created",
        targetType: "signing_key",
        targetId: fresh.kid,
        decision: "info",
        detail: { alg, status: "next" },
      });
      result.created = fresh.kid;
    }
    return result;
  });
}
