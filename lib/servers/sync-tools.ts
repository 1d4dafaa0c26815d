import { recordAudit } from "@/lib/audit/record";
import { actorOf, type Principal } from "@/lib/auth/principal";
import { SecretBoxError } from "@/lib/crypto/secret-box";
import type { Db } from "@/lib/db/client";
import type { ToolStatus } from "@/lib/db/generated/sqlite/enums";
import { DomainError } from "@/lib/errors/domain-error";
import { reconcileLiveSessionsIn } from "@/lib/sessions/reconcile-live-sessions";
import { revokingTransaction } from "@/lib/sessions/revoke-live-sessions";
import { canonicalJson } from "./canonical-json";
import { defaultScope } from "./default-scope";
import { listUpstreamTools, type UpstreamTool } from "./list-upstream-tools";
import { recordToolDefinitionChangeIn } from "./record-definition-change";
import { suggestedRisk } from "./suggested-risk";
import { pinnedDefinitionHash } from "./tool-definition";
import { toolDefinitionHash } from "./tool-definition-hash";
import { rethrowUniqueViolation } from "./unique-violation";
import { openUpstreamCredential } from "./upstream-credential";

export type ToolChange = {
  name: string;
  /** The input schema differs: what the tool accepts is no longer what was reviewed. */
  schemaChanged: boolean;
  descriptionChanged: boolean;
  statusBefore: ToolStatus;
  statusAfter: ToolStatus;
};

/** What a sync found, by tool name. */
export type ToolSyncResult = {
  /** New tools, and tools that came back after being removed; all pending. */
  added: string[];
  changed: ToolChange[];
  /** Tools the server stopped listing; kept as `removed` for history. */
  removed: string[];
  unchanged: string[];
};

/**
 * Reads a server's tools over MCP and reconciles them with what Mandate has:
 * new tools arrive pending (not grantable until approved); an approved tool
 * whose definition (name, description, input schema) differs from the one
 * approved goes back to pending until an admin re-approves the new one, with
 * its own `tool.definition_changed` event; other tools follow the server's
 * definition; tools no longer listed become removed. One transaction, one
 * `server.tools_synced` event with the diff; live sessions holding a tool
 * that stopped being approved (removed here, or changed: see
 * record-definition-change.ts) are revoked in it.
 *
 * The network call happens before the transaction so a slow server never
 * holds database locks.
 */
export async function syncTools(
  db: Db,
  principal: Principal,
  serverId: string,
  opts: { timeoutMs?: number } = {},
): Promise<ToolSyncResult> {
  const server = await db.mcpServer.findUnique({ where: { id: serverId } });
  if (!server) throw new DomainError("not_found", "This server no longer exists");
  const url = server.enforcementMode === "gateway" ? server.upstreamUrl : server.resourceUri;
  if (!url) throw new DomainError("invalid", "This gateway server has no upstream URL to read its tools from");
  const listed = await listUpstreamTools({ url, credential: credentialOf(server) }, opts);
  assertDistinctNames(url, listed);

  try {
    return await revokingTransaction(
      db,
      async (tx) => {
        const now = new Date();
        // Touching the row first serialises concurrent syncs of one server on PostgreSQL (row lock until commit).
        await tx.mcpServer.update({ where: { id: server.id }, data: { lastSyncedAt: now } });
        const stored = new Map((await tx.tool.findMany({ where: { serverId: server.id } })).map((t) => [t.name, t]));
        const result: ToolSyncResult = { added: [], changed: [], removed: [], unchanged: [] };
        /** Approved tools that stop being approved here (gone, or back to pending): live sessions may lose them. */
        const withdrawn: string[] = [];

        for (const tool of listed) {
          const hash = toolDefinitionHash(tool);
          const existing = stored.get(tool.name);
          stored.delete(tool.name);
          if (!existing) {
            await tx.tool.create({
              data: {
                serverId: server.id,
                name: tool.name,
                title: tool.title,
                description: tool.description,
                inputSchema: tool.inputSchema as never,
                definitionHash: hash,
                risk: suggestedRisk(tool.annotations),
                scope: defaultScope(server.slug, tool.name),
                status: "pending",
                firstSeenAt: now,
                lastSeenAt: now,
              },
            });
            result.added.push(tool.name);
            continue;
          }
          const definition = {
            title: tool.title,
            description: tool.description,
            inputSchema: tool.inputSchema as never,
            definitionHash: hash,
            lastSeenAt: now,
          };
          if (existing.status === "removed") {
            // A tool that comes back is reviewed again: it may not be the tool that was once approved.
            await tx.tool.update({
              where: { id: existing.id },
              data: { ...definition, status: "pending", approvedById: null, approvedAt: null },
            });
            result.added.push(tool.name);
            continue;
          }
          const change = {
            name: tool.name,
            schemaChanged: canonicalJson(existing.inputSchema ?? null) !== canonicalJson(tool.inputSchema),
            descriptionChanged: (existing.description ?? null) !== tool.description,
          };
          if (existing.status === "approved") {
            // Approval pinned a definition: any change to it withdraws the approval (record-definition-change.ts).
            if (pinnedDefinitionHash(existing) === hash) {
              await tx.tool.update({ where: { id: existing.id }, data: definition });
              result.unchanged.push(tool.name);
            } else {
              await recordToolDefinitionChangeIn(
                tx,
                existing.id,
                { name: tool.name, title: tool.title, description: tool.description, inputSchema: tool.inputSchema },
                { kind: "sync", actor: actorOf(principal) },
                now,
              );
              result.changed.push({ ...change, statusBefore: "approved", statusAfter: "pending" });
            }
            continue;
          }
          const storedHash = existing.definitionHash ?? toolDefinitionHash(existing);
          if (storedHash === hash) {
            await tx.tool.update({ where: { id: existing.id }, data: { title: tool.title, lastSeenAt: now } });
            result.unchanged.push(tool.name);
            continue;
          }
          // Not approved: nothing is pinned; the record follows the server, and a rejection stands.
          await tx.tool.update({ where: { id: existing.id }, data: definition });
          result.changed.push({ ...change, statusBefore: existing.status, statusAfter: existing.status });
        }

        for (const gone of stored.values()) {
          if (gone.status === "removed") continue;
          await tx.tool.update({ where: { id: gone.id }, data: { status: "removed" } });
          result.removed.push(gone.name);
          if (gone.status === "approved") withdrawn.push(gone.id);
        }

        await recordAudit(tx, {
          action: "server.tools_synced",
          ...actorOf(principal),
          targetType: "server",
          targetId: server.id,
          targetLabel: server.name,
          decision: "info",
          detail: {
            source: url,
            added: result.added,
            changed: result.changed,
            removed: result.removed,
            unchanged: result.unchanged.length,
          },
        });
        if (withdrawn.length > 0) {
          await reconcileLiveSessionsIn(
            tx,
            principal,
            { sessions: { serverId: server.id }, tools: withdrawn },
            {
              reason: `Tools of ${server.name} withdrawn by a sync (removed by the server, or changed and back to pending)`,
              now,
              operation: { kind: "tool_withdrawn", serverId: server.id, toolIds: withdrawn },
            },
          );
        }
        return result;
      },
      // A large server means hundreds of row writes; the default 5 s would cut it short.
      { maxWait: 10_000, timeout: 60_000 },
    );
  } catch (e) {
    rethrowUniqueViolation(e, "Another sync of this server ran at the same moment; try again");
  }
}

function credentialOf(server: { id: string; upstreamCredentialEnc: string | null }): string | null {
  if (!server.upstreamCredentialEnc) return null;
  try {
    return openUpstreamCredential(server.id, server.upstreamCredentialEnc);
  } catch (e) {
    if (e instanceof SecretBoxError) {
      throw new DomainError(
        "invalid",
        "The stored upstream credential cannot be decrypted (was the master key changed?); enter it again in the server's settings",
      );
    }
    throw e;
  }
}

function assertDistinctNames(url: string, tools: UpstreamTool[]): void {
  const seen = new Set<string>();
  for (const t of tools) {
    if (seen.has(t.name))
      throw new DomainError("invalid", `${url} lists the tool “${t.name}” twice; tool names must be unique`);
    seen.add(t.name);
  }
}
