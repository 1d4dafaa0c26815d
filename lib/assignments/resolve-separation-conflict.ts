import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import { actorOf, type Principal } from "@/lib/auth/principal";
import { DomainError } from "@/lib/errors/domain-error";
import { createAssignmentIn } from "./create-assignment";

export const resolveSeparationConflictSchema = z.discriminatedUnion("resolution", [
  z.object({
    assignmentId: z.string().min(1),
    resolution: z.literal("grant_again"),
    justification: z.string().trim().min(10, "Say why (at least 10 characters)").max(1000, "At most 1000 characters"),
  }),
  z.object({
    assignmentId: z.string().min(1),
    resolution: z.literal("dismiss"),
    justification: z.string().trim().min(3, "Say why (at least 3 characters)").max(1000, "At most 1000 characters"),
  }),
]);
export type ResolveSeparationConflictInput = z.input<typeof resolveSeparationConflictSchema>;

/**
 * Closes a flagged grant (ended for separation of duties). "grant_again": the
 * acting admin grants the same entitlement to the same principal with the same
 * exclusions and expiry — as a new assignment through createAssignment, so
 * the acting admin becomes its grantor and must not benefit from it either.
 * "dismiss": the grant stays ended. Either way the flag clears, audited.
 */
export async function resolveSeparationConflict(
  db: Db,
  actor: Principal,
  raw: ResolveSeparationConflictInput,
  now = new Date(),
): Promise<{ assignmentId: string | null }> {
  const input = resolveSeparationConflictSchema.parse(raw);
  return db.$transaction(async (tx) => {
    const flagged = await tx.assignment.findUnique({
      where: { id: input.assignmentId },
      include: { entitlement: { select: { name: true } } },
    });
    if (!flagged || !flagged.separationConflictAt)
      throw new DomainError("not_found", "No such flagged assignment; someone may have resolved it already");
    let granted: string | null = null;
    if (input.resolution === "grant_again") {
      if (flagged.expiresAt && flagged.expiresAt <= now)
        throw new DomainError("conflict", "This grant would have expired by now; grant a new one instead");
      const principalId = flagged.agentId ?? flagged.userId ?? flagged.groupId;
      if (!principalId) throw new DomainError("conflict", "Whoever held this grant no longer exists");
      const excluded = Array.isArray(flagged.excludedToolIds) ? (flagged.excludedToolIds as string[]) : [];
      granted = (
        await createAssignmentIn(
          tx,
          actor,
          {
            entitlementId: flagged.entitlementId,
            principalType: flagged.principalType,
            principalId,
            expiresAt: flagged.expiresAt ?? undefined,
            justification: input.justification,
            ...(excluded.length > 0 ? { excludedToolIds: excluded } : {}),
          },
          now,
        )
      ).id;
    }
    await tx.assignment.update({ where: { id: flagged.id }, data: { separationConflictAt: null } });
    await recordAudit(tx, {
      action: "assignment.separation_conflict_resolved",
      ...actorOf(actor),
      targetType: "assignment",
      targetId: flagged.id,
      targetLabel: flagged.entitlement.name,
      decision: "allow",
      occurredAt: now,
      reason:
        input.resolution === "grant_again"
          ? `Granted again: ${input.justification}`
          : `Dismissed: ${input.justification}`,
      detail: {
        resolution: input.resolution,
        newAssignmentId: granted,
        conflict: flagged.separationConflict,
        before: { separationConflictAt: flagged.separationConflictAt },
        after: { separationConflictAt: null },
      },
    });
    return { assignmentId: granted };
  });
}
