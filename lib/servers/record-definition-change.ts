import { recordAudit } from "@/lib/audit/record";
import type { Db, Tx } from "@/lib/db/client";
import { reconcileLiveSessionsIn } from "@/lib/sessions/reconcile-live-sessions";
import { revokingTransaction } from "@/lib/sessions/revoke-live-sessions";
import { canonicalJson } from "./canonical-json";
import { definitionOf, pinnedDefinitionHash, type ToolDefinition } from "./tool-definition";
import { toolDefinitionHash } from "./tool-definition-hash";

/** Who saw the change: the gateway relaying a tools/list, or a tool sync (console, CLI). */
export type DefinitionChangeSource =
  | { kind: "gateway"; instance?: string }
  | { kind: "sync"; actor: { actorType: "user" | "apikey" | "system"; actorId: string | null; actorLabel: string } };

export type ObservedDefinition = ToolDefinition & { name: string };

/**
 * An approved tool's definition, as its server now lists it, differs from
 * the one an admin approved: the approval is withdrawn (status pending, so no
 * token, entitlement or gateway grants it), the observed definition becomes
 * the one on record, the approved one is kept beside it for the diff, and one
 * `tool.definition_changed` event is written in the same transaction.
 *
 * Exactly once per change, however many instances and calls see it: the
 * update only applies to a row still approved and unchanged since it was
 * read, so of concurrent observers one writes and the others find nothing to
 * do (PostgreSQL re-checks the condition after the winner commits; SQLite
 * serialises writers). Returns whether this call recorded it.
 *
 * MCP enterprise-managed authorization (ext-auth, §7.2.1 Scopes Validation):
 * deployments SHOULD implement tool snapshot tracking and require
 * re-authorization when a tool changes.
 */
export async function recordToolDefinitionChangeIn(
  tx: Tx,
  toolId: string,
  observed: ObservedDefinition,
  source: DefinitionChangeSource,
  now = new Date(),
): Promise<boolean> {
  const row = await tx.tool.findUnique({ where: { id: toolId }, include: { server: { select: { name: true } } } });
  if (!row || row.status !== "approved") return false;
  const pinned = pinnedDefinitionHash(row);
  const hash = toolDefinitionHash(observed);
  if (pinned === hash) return false;
  const approved = (row.approvedDefinition as ToolDefinition | null) ?? definitionOf(row);
  const { count } = await tx.tool.updateMany({
    where: { id: row.id, status: "approved", updatedAt: row.updatedAt },
    data: {
      status: "pending",
      approvedById: null,
      approvedAt: null,
      approvedDefinition: approved as never,
      approvedDefinitionHash: pinned,
      definitionChangedAt: now,
      title: observed.title,
      description: observed.description,
      inputSchema: (observed.inputSchema ?? undefined) as never,
      definitionHash: hash,
      lastSeenAt: now,
    },
  });
  if (count === 0) return false;
  const actor =
    source.kind === "gateway"
      ? {
          actorType: "system" as const,
          actorId: null,
          actorLabel: source.instance ? `gateway (${source.instance})` : "gateway",
        }
      : source.actor;
  await recordAudit(tx, {
    action: "tool.definition_changed",
    ...actor,
    targetType: "tool",
    targetId: row.id,
    targetLabel: `${row.server.name} / ${row.name}`,
    decision: "info",
    reason:
      "The server lists a definition that differs from the approved one: approval withdrawn until an admin re-approves it",
    occurredAt: now,
    detail: {
      serverId: row.serverId,
      seenBy: source.kind,
      approvedHash: pinned,
      observedHash: hash,
      descriptionChanged: (approved.description ?? null) !== (observed.description ?? null),
      schemaChanged: canonicalJson(approved.inputSchema ?? null) !== canonicalJson(observed.inputSchema ?? null),
      titleChanged: (approved.title ?? null) !== (observed.title ?? null),
      approved,
      observed: definitionOf(observed),
    },
  });
  // The approval is withdrawn: live sessions holding the tool lose it now, like a rejection.
  await reconcileLiveSessionsIn(
    tx,
    actor,
    { sessions: { serverId: row.serverId }, tools: [row.id] },
    {
      reason: `Tool ${row.server.name} / ${row.name} changed its definition: approval withdrawn`,
      now,
      operation: { kind: "tool_withdrawn", serverId: row.serverId, toolIds: [row.id] },
    },
  );
  return true;
}

export function recordToolDefinitionChange(
  db: Db,
  toolId: string,
  observed: ObservedDefinition,
  source: DefinitionChangeSource,
): Promise<boolean> {
  return revokingTransaction(db, (tx) => recordToolDefinitionChangeIn(tx, toolId, observed, source));
}
