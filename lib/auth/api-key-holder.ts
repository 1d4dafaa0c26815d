import type { Tx } from "@/lib/db/client";
import { recordAuditBatch } from "@/lib/audit/record-batch";
import type { AuditInput } from "@/lib/audit/record";
import { roleWithin } from "@/lib/access/separation-of-duties";
import type { ConsoleRole } from "./permissions";

/*
 * An admin API key ends with its holder: the person who created it, or who rotated it last (the secret was shown
 * to them). A key can do no more than that person, so when they leave (deactivated or deleted, by SCIM or the
 * console) every key they hold is revoked, and when they lose a role the keys beyond what their remaining roles
 * allow are revoked — in the transaction of that change, one audit event each. Authentication checks the same
 * thing again at every use (authenticateApiKey), for rows changed outside these paths.
 */

type AuditActor = Pick<AuditInput, "actorType" | "actorId" | "actorLabel" | "requestId" | "clientAddress">;

/** The holder as authentication reads them with the key. */
export interface KeyHolder {
  active: boolean;
  deletedAt: Date | null;
  roles: { role: ConsoleRole }[];
}

/** Why a key may no longer act for its holder; null when it still may. */
export function holderRefusal(role: ConsoleRole, holder: KeyHolder | null): string | null {
  if (!holder || holder.deletedAt) return "its holder was deleted";
  if (!holder.active) return "its holder is deactivated";
  if (
    !roleWithin(
      role,
      holder.roles.map((r) => r.role),
    )
  )
    return `its holder no longer holds the ${role} role`;
  return null;
}

/**
 * Revokes the live keys `holderId` holds that reach beyond `remainingRoles` — all of them when null (the person
 * left). Returns the revoked key ids.
 */
export async function revokeKeysBeyondHolderIn(
  tx: Tx,
  actor: AuditActor,
  holderId: string,
  remainingRoles: readonly ConsoleRole[] | null,
  reason: string,
  now: Date,
): Promise<string[]> {
  const live = await tx.apiKey.findMany({
    where: { createdById: holderId, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
    select: { id: true, name: true, role: true, prefix: true },
  });
  const ending = remainingRoles === null ? live : live.filter((k) => !roleWithin(k.role, remainingRoles));
  if (ending.length === 0) return [];
  await tx.apiKey.updateMany({
    where: { id: { in: ending.map((k) => k.id) }, revokedAt: null },
    data: { revokedAt: now },
  });
  await recordAuditBatch(
    tx,
    ending.map((k) => ({
      action: "apikey.revoked" as const,
      ...actor,
      targetType: "api_key",
      targetId: k.id,
      targetLabel: k.name,
      decision: "allow" as const,
      reason,
      occurredAt: now,
      detail: { holderId, role: k.role, prefix: k.prefix, before: { revokedAt: null }, after: { revokedAt: now } },
    })),
  );
  return ending.map((k) => k.id);
}
