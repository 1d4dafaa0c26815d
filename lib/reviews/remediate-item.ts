import type { Db } from "@/lib/db/client";
import { recordAudit, type AuditInput } from "@/lib/audit/record";
import { reconcileLiveSessionsIn, sessionsOfHolder } from "@/lib/sessions/reconcile-live-sessions";
import { revokingTransaction } from "@/lib/sessions/revoke-live-sessions";
import { parseSnapshot } from "./item-snapshot";

type Actor = Pick<AuditInput, "actorType" | "actorId" | "actorLabel">;

export interface RemediationOutcome {
  itemId: string;
  status: "done" | "failed";
  detail: string;
  revokedSessions: string[];
}

const ids = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

/**
 * Carries out one revoke or reduce decision: ends the assignment (revoke) or
 * excludes the tools not kept (reduce; ending it when nothing would remain),
 * revokes the sessions that lose access, and records the result on the item —
 * all in one transaction. A failure is recorded as `failed` with its cause,
 * in a transaction of its own, and can be retried.
 */
export async function remediateItem(
  db: Db,
  actor: Actor,
  itemId: string,
  now = new Date(),
): Promise<RemediationOutcome> {
  try {
    const outcome = await revokingTransaction(db, async (tx) => {
      const item = await tx.reviewItem.findUnique({
        where: { id: itemId },
        include: { campaign: { select: { name: true } } },
      });
      if (!item) throw new Error("review item not found");
      if (item.remediationStatus !== "pending")
        return { itemId, status: "done" as const, detail: item.remediationDetail ?? "", revokedSessions: [] };
      const snap = parseSnapshot(item.snapshot);
      const reason = `Access review “${item.campaign.name}”: ${item.status === "reduced" ? "reduced" : "revoked"}`;
      const a = item.assignmentId
        ? await tx.assignment.findUnique({
            where: { id: item.assignmentId },
            include: { entitlement: { select: { name: true } } },
          })
        : null;
      let detail: string;
      let lost: string[] | null = null;
      if (!a || a.endedAt || (a.expiresAt && a.expiresAt <= now)) {
        detail = "The assignment had already ended";
      } else {
        const targetLabel = `${snap.principalLabel} — ${a.entitlement.name}`;
        const base = {
          ...actor,
          targetType: "assignment",
          targetId: a.id,
          targetLabel,
          decision: "allow" as const,
          reason,
          occurredAt: now,
        };
        const before = ids(a.excludedToolIds);
        const kept = new Set(ids(item.keptToolIds));
        const entitlementTools = (
          await tx.entitlementTool.findMany({
            where: { entitlementId: a.entitlementId, tool: { status: "approved" } },
            select: { toolId: true },
          })
        ).map((t) => t.toolId);
        const removed =
          item.status === "reduced" ? snap.tools.filter((t) => !kept.has(t.toolId)).map((t) => t.toolId) : [];
        const after = [...new Set([...before, ...removed])];
        const endsIt = item.status !== "reduced" || entitlementTools.every((t) => after.includes(t));
        if (endsIt) {
          await tx.assignment.update({ where: { id: a.id }, data: { endedAt: now, endedReason: reason } });
          await recordAudit(tx, {
            ...base,
            action: "assignment.ended",
            detail: {
              before: { endedAt: null },
              after: { endedAt: now.toISOString(), endedReason: reason },
              reviewItemId: item.id,
            },
          });
          detail = "Assignment ended";
          lost = entitlementTools;
        } else {
          await tx.assignment.update({ where: { id: a.id }, data: { excludedToolIds: after } });
          await recordAudit(tx, {
            ...base,
            action: "assignment.updated",
            detail: { before: { excludedToolIds: before }, after: { excludedToolIds: after }, reviewItemId: item.id },
          });
          const names = snap.tools.filter((t) => removed.includes(t.toolId)).map((t) => t.name);
          detail = `Assignment narrowed: removed ${names.join(", ")}`;
          lost = removed;
        }
      }
      // Sessions of the holder on that server that lost a tool (one still granted by another assignment keeps its session).
      const revokedSessions = lost
        ? (
            await reconcileLiveSessionsIn(
              tx,
              actor,
              {
                sessions: { ...sessionsOfHolder(snap.principalType, snap.principalId), serverId: snap.serverId },
                tools: lost,
              },
              {
                reason,
                now,
                operation: { kind: "access_removed", serverId: snap.serverId, assignmentId: snap.assignmentId },
              },
            )
          ).map((s) => s.id)
        : [];
      if (revokedSessions.length > 0)
        detail += `; ${revokedSessions.length} session${revokedSessions.length === 1 ? "" : "s"} revoked`;
      await tx.reviewItem.update({
        where: { id: item.id },
        data: { remediationStatus: "done", remediationDetail: detail, remediatedAt: now },
      });
      await recordAudit(tx, {
        action: "review.remediated",
        ...actor,
        targetType: "review_item",
        targetId: item.id,
        targetLabel: `${snap.principalLabel} — ${snap.entitlementName}`,
        decision: "allow",
        reason: detail,
        occurredAt: now,
        detail: { decision: item.status, assignmentId: item.assignmentId, revokedSessions },
      });
      return { itemId, status: "done" as const, detail, revokedSessions };
    });
    return outcome;
  } catch (e) {
    const detail = `Remediation failed: ${e instanceof Error ? e.message : String(e)}`.slice(0, 900);
    await db.$transaction(async (tx) => {
      await tx.reviewItem.update({
        where: { id: itemId },
        data: { remediationStatus: "failed", remediationDetail: detail },
      });
      await recordAudit(tx, {
        action: "review.remediated",
        ...actor,
        targetType: "review_item",
        targetId: itemId,
        decision: "deny",
        reason: detail,
        occurredAt: now,
      });
    });
    return { itemId, status: "failed", detail, revokedSessions: [] };
  }
}
