import type { Tx } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import { endAssignmentIn } from "@/lib/assignments/end-assignment";
import { liveAssignmentWhere } from "@/lib/assignments/live-assignment";
import { permissionsOf, ROLE_LABELS, type ConsoleRole } from "@/lib/auth/permissions";
import { actorOf, type Principal } from "@/lib/auth/principal";
import { DomainError } from "@/lib/errors/domain-error";

/*
 * Separation of duties: the one rule, and every check of it.
 *
 * Nobody benefits from a grant they made. Who benefits:
 *  - from a console role: the person given it; from an admin API key: the person holding it (a key can do no more
 *    than its holder, so holding a key is never a way to a role one was not given);
 *  - from a person's assignment: that person; from a group's: its members;
 *  - from an agent's: its owner (who answers for it and, for a delegated agent, acts through it) and whoever holds
 *    its credential — the person who registered it (Mandate showed them its secret, or they chose its keys) or last
 *    rotated its secret. Mandate cannot see a secret being handed on, so the person it was shown to holds it.
 *
 * The rule is checked when a grant is made AND whenever a grant's beneficiaries change: an agent's owner changes,
 * its secret is rotated, a person joins a group, a person's roles change. Console, JSON API and policy changes
 * that would break it are refused with the reason. A SCIM membership change is not refused (the IdP decides who is
 * in a group, and refusing its PATCH would stop the sync): the conflicting grant ends, flagged for admins.
 */

export type GrantTarget = { type: "user" | "group" | "agent"; id: string };

const refusal = (message: string, field?: string) => new DomainError("separation_of_duties", message, field);

/** Refuses a console role given by the person who would hold it. */
export function refuseSelfRoleGrant(grantorId: string | null, userId: string): void {
  if (grantorId !== null && grantorId === userId)
    throw refusal("You cannot grant a role to yourself; ask another admin.");
}

/**
 * Refuses an assignment its grantor would benefit from. `grantorId` null: no person is behind the change (the repo
 * CLI without `--as`), so there is nobody to protect against.
 */
export async function refuseSelfGrant(tx: Tx, grantorId: string | null, target: GrantTarget): Promise<void> {
  if (grantorId === null) return;
  switch (target.type) {
    case "user":
      if (target.id === grantorId)
        throw refusal("You cannot grant access to yourself; ask another admin.", "principalId");
      return;
    case "group":
      if (
        await tx.groupMembership.findUnique({
          where: { groupId_userId: { groupId: target.id, userId: grantorId } },
          select: { userId: true },
        })
      ) {
        throw refusal("You are a member of this group; another admin must grant it access.", "principalId");
      }
      return;
    case "agent": {
      const agent = await tx.agent.findUnique({
        where: { id: target.id },
        select: { ownerId: true, credentialHolderId: true },
      });
      if (agent?.ownerId === grantorId)
        throw refusal("You own this agent; another admin must grant it access.", "principalId");
      if (agent?.credentialHolderId === grantorId) {
        throw refusal(
          "You hold this agent's credential (you registered it or last rotated its secret); another admin must grant it access.",
          "principalId",
        );
      }
      return;
    }
  }
}

/** A live grant that a would-be beneficiary made. */
export interface ConflictingGrant {
  assignmentId: string;
  entitlement: string;
  grantedById: string;
}

async function liveGrantsBy(
  tx: Tx,
  where: { agentId: string } | { groupId: string },
  grantorIds: readonly string[],
  now: Date,
): Promise<ConflictingGrant[]> {
  if (grantorIds.length === 0) return [];
  const rows = await tx.assignment.findMany({
    where: { ...where, grantedById: { in: [...grantorIds] }, ...liveAssignmentWhere(now) },
    select: { id: true, grantedById: true, entitlement: { select: { name: true } } },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((r) => ({ assignmentId: r.id, entitlement: r.entitlement.name, grantedById: r.grantedById! }));
}

/**
 * Refuses making `person` the owner of an agent, or the holder of its credential, while a live grant they made
 * reaches the agent. `person.label` names them in the message ("You" when they are the one acting).
 */
export async function refuseAgentHolder(
  tx: Tx,
  agentId: string,
  person: { id: string; label: string },
  as: "owner" | "credential",
  now: Date,
): Promise<void> {
  const [grant] = await liveGrantsBy(tx, { agentId }, [person.id], now);
  if (!grant) return;
  throw as === "owner"
    ? refusal(
        `${person.label} granted this agent “${grant.entitlement}”: whoever grants an agent access cannot own it. End that assignment first, or choose another owner.`,
        "ownerId",
      )
    : refusal(
        `${person.label} granted this agent “${grant.entitlement}”: whoever grants an agent access cannot hold its credential. Ask its owner or another admin to rotate the secret.`,
      );
}

/** The live grants of a group made by people who are about to become its members. */
export function grantsToGroupBy(
  tx: Tx,
  groupId: string,
  newMemberIds: readonly string[],
  now: Date,
): Promise<ConflictingGrant[]> {
  return liveGrantsBy(tx, { groupId }, newMemberIds, now);
}

/**
 * Neutralises conflicts that could not be refused (a membership the IdP decided): each grant ends through the one
 * domain function that ends assignments (its audit event, and the cut of live sessions that goes with it), and is
 * flagged with the reason so an admin can grant it again — as a second person — or dismiss it.
 */
export async function endConflictingGrants(
  tx: Tx,
  actor: Principal,
  conflicts: readonly ConflictingGrant[],
  cause: { describe: (grant: ConflictingGrant) => string; detail?: Record<string, unknown> },
  now: Date,
): Promise<string[]> {
  for (const grant of conflicts) {
    const why = cause.describe(grant);
    // An assignment's end reason is at most 500 characters; the flag keeps the whole of it.
    const reason = `Separation of duties: ${why}`.slice(0, 500);
    await endAssignmentIn(tx, actor, { assignmentId: grant.assignmentId, reason }, now);
    await tx.assignment.update({
      where: { id: grant.assignmentId },
      data: { separationConflictAt: now, separationConflict: why },
    });
    await recordAudit(tx, {
      action: "assignment.separation_conflict",
      ...actorOf(actor),
      targetType: "assignment",
      targetId: grant.assignmentId,
      targetLabel: grant.entitlement,
      decision: "info",
      reason,
      occurredAt: now,
      detail: {
        grantedById: grant.grantedById,
        ...cause.detail,
        before: { separationConflictAt: null, separationConflict: null },
        after: { separationConflictAt: now, separationConflict: why },
      },
    });
  }
  return conflicts.map((c) => c.assignmentId);
}

/** A key's role is within its holder's roles when every permission it gives, one of their roles gives too. */
export function roleWithin(role: ConsoleRole, holderRoles: readonly ConsoleRole[]): boolean {
  const held = permissionsOf(holderRoles);
  return [...permissionsOf([role])].every((p) => held.has(p));
}

/** Refuses an API key (created or rotated) whose role is beyond what the person who will hold it may do. */
export async function refuseKeyBeyondHolder(tx: Tx, holderId: string | null, role: ConsoleRole): Promise<void> {
  if (holderId === null) return;
  const holder = await tx.user.findUnique({
    where: { id: holderId },
    select: { active: true, deletedAt: true, roles: { select: { role: true } } },
  });
  if (!holder || !holder.active || holder.deletedAt) throw refusal("Only an active person can hold an API key.");
  if (
    !roleWithin(
      role,
      holder.roles.map((r) => r.role),
    )
  ) {
    throw refusal(
      `You do not hold the ${ROLE_LABELS[role]} role (or one that includes it): an API key can do no more than the person who holds it.`,
      "role",
    );
  }
}
