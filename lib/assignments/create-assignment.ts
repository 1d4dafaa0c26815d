import type { Db, Tx } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import { lockForTransaction } from "@/lib/db/stores/transaction-lock";
import { actorOf, personOf, type Principal } from "@/lib/auth/principal";
import { refuseSelfGrant } from "@/lib/access/separation-of-duties";
import { DomainError } from "@/lib/errors/domain-error";
import { createAssignmentSchema, type CreateAssignmentInput, type PrincipalType } from "./assignment-schemas";
import { requireValidExclusions } from "./excluded-tools";
import { liveAssignmentWhere } from "./live-assignment";

export interface CreatedAssignment {
  id: string;
  /** Accepted, but worth telling the person (a suspended agent gains nothing until reactivated). */
  warnings: string[];
}

/** The one principal column an assignment fills; the other two stay null. */
function principalColumns(
  type: PrincipalType,
  id: string,
): { agentId: string | null; userId: string | null; groupId: string | null } {
  return {
    agentId: type === "agent" ? id : null,
    userId: type === "user" ? id : null,
    groupId: type === "group" ? id : null,
  };
}

/** Checks the receiving principal and returns its label for the audit trail, plus any warnings. */
async function checkPrincipal(
  tx: Tx,
  type: PrincipalType,
  id: string,
  person: string | null,
): Promise<{ label: string; warnings: string[] }> {
  const checked = await existingPrincipal(tx, type, id);
  await refuseSelfGrant(tx, person, { type, id });
  return checked;
}

async function existingPrincipal(
  tx: Tx,
  type: PrincipalType,
  id: string,
): Promise<{ label: string; warnings: string[] }> {
  switch (type) {
    case "agent": {
      const agent = await tx.agent.findUnique({ where: { id }, select: { name: true, status: true } });
      if (!agent) throw new DomainError("not_found", "No such agent", "principalId");
      if (agent.status === "retired")
        throw new DomainError("conflict", "This agent is retired; it cannot receive access", "principalId");
      const warnings =
        agent.status === "suspended"
          ? ["This agent is suspended: the access takes effect only when it is reactivated."]
          : [];
      return { label: agent.name, warnings };
    }
    case "user": {
      const user = await tx.user.findUnique({ where: { id }, select: { email: true, active: true } });
      if (!user) throw new DomainError("not_found", "No such person", "principalId");
      if (!user.active) throw new DomainError("conflict", "This person is deactivated", "principalId");
      return { label: user.email, warnings: [] };
    }
    case "group": {
      const group = await tx.group.findUnique({ where: { id }, select: { displayName: true } });
      if (!group) throw new DomainError("not_found", "No such group", "principalId");
      return { label: group.displayName, warnings: [] };
    }
  }
}

/**
 * Grants an entitlement to an agent, a person or a group, optionally leaving
 * some of its tools out. Refused: expiry in the past, a retired agent or
 * deactivated person, an entitlement without any approved tool (or with all
 * of them excluded), exclusions that are not tools of the entitlement, a second live grant of the same thing, and — separation of
 * duties (lib/access/separation-of-duties.ts) — any grant that would reach the actor themselves, or an agent they own
 * or whose credential they hold.
 */
export async function createAssignment(
  db: Db,
  actor: Principal,
  raw: CreateAssignmentInput,
  now = new Date(),
): Promise<CreatedAssignment> {
  return db.$transaction((tx) => createAssignmentIn(tx, actor, raw, now));
}

/** createAssignment inside the caller's transaction: the policy importer applies a whole file in one. */
export async function createAssignmentIn(
  tx: Tx,
  actor: Principal,
  raw: CreateAssignmentInput,
  now = new Date(),
): Promise<CreatedAssignment> {
  const input = createAssignmentSchema.parse(raw);
  if (input.expiresAt && input.expiresAt.getTime() <= now.getTime()) {
    throw new DomainError("invalid", "The expiry must be in the future", "expiresAt");
  }
  // No unique index can say "one LIVE grant per entitlement and principal", so two
  // concurrent grants of one entitlement serialise here until commit.
  await lockForTransaction(tx, `assignment:${input.entitlementId}`);
  const entitlement = await tx.entitlement.findUnique({
    where: { id: input.entitlementId },
    select: { id: true, name: true, _count: { select: { tools: { where: { tool: { status: "approved" } } } } } },
  });
  if (!entitlement) throw new DomainError("not_found", "No such entitlement", "entitlementId");
  if (entitlement._count.tools === 0) {
    throw new DomainError("invalid", "This entitlement has no approved tools; it would grant nothing", "entitlementId");
  }
  const excludedToolIds = input.excludedToolIds ?? [];
  await requireValidExclusions(tx, entitlement.id, excludedToolIds);
  const { label, warnings } = await checkPrincipal(tx, input.principalType, input.principalId, personOf(actor));
  const columns = principalColumns(input.principalType, input.principalId);
  const duplicate = await tx.assignment.findFirst({
    where: {
      entitlementId: entitlement.id,
      principalType: input.principalType,
      ...columns,
      ...liveAssignmentWhere(now),
    },
    select: { id: true },
  });
  if (duplicate) throw new DomainError("conflict", "This entitlement is already assigned to them", "principalId");

  const row = await tx.assignment.create({
    data: {
      entitlementId: entitlement.id,
      principalType: input.principalType,
      ...columns,
      expiresAt: input.expiresAt ?? null,
      justification: input.justification,
      ...(excludedToolIds.length > 0 ? { excludedToolIds } : {}),
      grantedById: personOf(actor),
      createdAt: now,
    },
  });
  await recordAudit(tx, {
    action: "assignment.created",
    ...actorOf(actor),
    targetType: "assignment",
    targetId: row.id,
    targetLabel: `${entitlement.name} → ${label}`,
    decision: "allow",
    reason: input.justification,
    occurredAt: now,
    detail: {
      before: null,
      after: {
        entitlementId: entitlement.id,
        entitlement: entitlement.name,
        principalType: input.principalType,
        principalId: input.principalId,
        principal: label,
        expiresAt: row.expiresAt,
        justification: row.justification,
        grantedById: row.grantedById,
        ...(excludedToolIds.length > 0 ? { excludedToolIds } : {}),
      },
    },
  });
  return { id: row.id, warnings };
}
