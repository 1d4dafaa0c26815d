import { recordAudit } from "@/lib/audit/record";
import { actorOf, personOf, type Principal } from "@/lib/auth/principal";
import type { Db, Tx } from "@/lib/db/client";
import { DomainError } from "@/lib/errors/domain-error";
import { reconcileLiveSessionsIn } from "@/lib/sessions/reconcile-live-sessions";
import { revokingTransaction } from "@/lib/sessions/revoke-live-sessions";
import { HIGH_RISK_APPROVAL_REASON_MIN, isHighRiskApproval } from "./approval-risk";
import { definitionOf } from "./tool-definition";
import { toolDefinitionHash } from "./tool-definition-hash";
import { toolDecisionSchema, type ToolDecisionInput } from "./tool-schemas";
import { toolSnapshot } from "./tool-snapshot";

export type ToolDecision = "approve" | "reject";

const OUTCOME = {
  approve: { status: "approved", action: "tool.approved", verb: "approved", removed: "it cannot be approved" },
  reject: { status: "rejected", action: "tool.rejected", verb: "rejected", removed: "there is nothing to reject" },
} as const;

/**
 * Approving makes a pending (or previously rejected) tool grantable; rejecting
 * makes it ungrantable, and withdraws an approved tool (entitlements and
 * tokens grant only tools whose status is `approved`; live sessions holding
 * it are revoked in the same transaction). A removed tool is
 * neither: its server no longer offers it, and if it returns a sync brings it
 * back as pending.
 */
export async function decideTool(
  db: Db,
  principal: Principal,
  decision: ToolDecision,
  raw: ToolDecisionInput,
  opts: DecideToolOptions = {},
): Promise<{ id: string }> {
  return revokingTransaction(db, (tx) => decideToolIn(tx, principal, decision, raw, opts));
}

export interface DecideToolOptions {
  /**
   * A person deciding one tool in the console: approving a destructive or administrative tool then needs their
   * explicit acknowledgement and a reason. (A policy file states its decisions and reasons itself.)
   */
  confirmHighRisk?: boolean;
}

/** decideTool inside the caller's transaction: the policy importer applies a whole file in one. */
export async function decideToolIn(
  tx: Tx,
  principal: Principal,
  decision: ToolDecision,
  raw: ToolDecisionInput,
  opts: DecideToolOptions = {},
): Promise<{ id: string }> {
  const input = toolDecisionSchema.parse(raw);
  const outcome = OUTCOME[decision];
  const before = await tx.tool.findUnique({
    where: { id: input.toolId },
    include: { server: { select: { name: true } } },
  });
  if (!before) throw new DomainError("not_found", "This tool no longer exists");
  if (before.status === outcome.status) throw new DomainError("conflict", `${before.name} is already ${outcome.verb}`);
  if (before.status === "removed") {
    throw new DomainError(
      "conflict",
      `${before.name} is no longer listed by ${before.server.name}; ${outcome.removed}`,
    );
  }
  // A definition that changed after approval is re-approved only by someone who saw the diff: a policy file
  // re-applied by a pipeline, which names the tool but not its definition, must not pin it unseen.
  if (decision === "approve" && before.definitionChangedAt && input.definitionHash === undefined) {
    throw new DomainError(
      "conflict",
      `${before.name}'s definition changed since it was approved; review the change on its server's page and re-approve it there`,
    );
  }
  if (decision === "approve" && opts.confirmHighRisk && isHighRiskApproval(before)) {
    if (!input.acknowledgeRisk)
      throw new DomainError(
        "conflict",
        `${before.name} is ${before.risk === "destructive" ? "destructive" : "administrative"}: confirm that you mean to approve it`,
      );
    if ((input.reason?.length ?? 0) < HIGH_RISK_APPROVAL_REASON_MIN) {
      throw new DomainError(
        "invalid",
        `Say why ${before.name} should be grantable (at least ${HIGH_RISK_APPROVAL_REASON_MIN} characters)`,
        "reason",
      );
    }
  }
  const current = toolDefinitionHash(before);
  if (input.definitionHash !== undefined && input.definitionHash !== current) {
    throw new DomainError(
      "conflict",
      `${before.name}'s definition changed again since you reviewed it; review the new one`,
    );
  }
  // Who approved, and when, is kept only while the tool stays approved. Approving pins the definition on
  // record now (title, description, input schema): the gateway relays and allows only that one.
  const approval =
    decision === "approve"
      ? {
          approvedById: personOf(principal),
          approvedAt: new Date(),
          approvedDefinition: definitionOf(before) as never,
          approvedDefinitionHash: current,
          definitionChangedAt: null,
        }
      : { approvedById: null, approvedAt: null };
  const after = await tx.tool.update({ where: { id: before.id }, data: { status: outcome.status, ...approval } });
  await recordAudit(tx, {
    action: outcome.action,
    ...actorOf(principal),
    targetType: "tool",
    targetId: after.id,
    targetLabel: `${before.server.name} / ${after.name}`,
    decision: "info",
    reason: input.reason ?? null,
    detail: { serverId: after.serverId, before: toolSnapshot(before), after: toolSnapshot(after) },
  });
  // A withdrawn approval reaches live sessions at once: those holding the tool are revoked.
  if (before.status === "approved") {
    await reconcileLiveSessionsIn(
      tx,
      principal,
      { sessions: { serverId: after.serverId }, tools: [after.id] },
      {
        reason: `Tool ${before.server.name} / ${after.name} ${outcome.verb}${input.reason ? `: ${input.reason}` : ""}`,
        now: new Date(),
        operation: { kind: "tool_withdrawn", serverId: after.serverId, toolIds: [after.id] },
      },
    );
  }
  return { id: after.id };
}
