import type { Db, Tx } from "@/lib/db/client";
import type { Agent } from "@/lib/db/generated/sqlite/client";
import { recordAudit } from "@/lib/audit/record";
import { agentSnapshot } from "@/lib/agents/agent-snapshot";
import { publicMetadata, type InteractiveClientMetadata } from "./client-metadata";
import { autoApproved, registrationPolicy } from "./registration-policy";

export interface NewInteractiveClient {
  clientId: string;
  metadata: InteractiveClientMetadata;
  registration: "cimd" | "dcr";
  authMethod: "none" | "client_secret_basic" | "client_secret_post";
  clientSecretHash?: string | null;
  clientAddress?: string | null;
}

const isUniqueViolation = (e: unknown) =>
  typeof e === "object" && e !== null && (e as { code?: unknown }).code === "P2002";

/** "Claude (claude.ai)": the client's own name, made unique with its host or a number. */
async function uniqueName(tx: Tx, metadata: InteractiveClientMetadata, clientId: string): Promise<string> {
  let host: string | null = null;
  try {
    host = new URL(clientId).hostname;
  } catch {
    host = null;
  }
  const base = (metadata.client_name ?? host ?? "Interactive client").slice(0, 100);
  const candidates = [base, ...(host && base !== host ? [`${base} (${host})`] : [])];
  for (const c of candidates) if (!(await tx.agent.findUnique({ where: { name: c }, select: { id: true } }))) return c;
  const last = candidates[candidates.length - 1]!;
  for (let n = 2; ; n++) {
    const c = `${last} ${n}`;
    if (!(await tx.agent.findUnique({ where: { name: c }, select: { id: true } }))) return c;
  }
}

/**
 * An interactive client seen for the first time becomes an agent of kind
 * interactive, pending approval — unless the auto-approval policy names it.
 * Nobody owns it yet and it holds no access: an admin approves it and decides
 * what it may reach (its own entitlements, intersected with each person's).
 * Concurrent first requests of one client create it once.
 */
export async function registerInteractiveClient(db: Db, input: NewInteractiveClient, now = new Date()): Promise<Agent> {
  const policy = await registrationPolicy(db);
  const approve = autoApproved(policy, input.clientId, input.metadata.client_name ?? null);
  try {
    return await db.$transaction(async (tx) => {
      const agent = await tx.agent.create({
        data: {
          clientId: input.clientId,
          name: await uniqueName(tx, input.metadata, input.clientId),
          purpose: input.metadata.client_uri
            ? `Interactive MCP client (${input.metadata.client_uri})`
            : "Interactive MCP client",
          kind: "interactive",
          status: approve ? "active" : "pending",
          authMethod: input.authMethod,
          clientSecretHash: input.clientSecretHash ?? null,
          allowedGrantTypes: input.metadata.grant_types.includes("refresh_token")
            ? "authorization_code refresh_token"
            : "authorization_code",
          redirectUris: input.metadata.redirect_uris.join(" "),
          registration: input.registration,
          clientMetadata: publicMetadata(input.metadata) as never,
          approvedAt: approve ? now : null,
          createdAt: now,
          updatedAt: now,
        },
      });
      const system = {
        actorType: "system" as const,
        actorLabel: input.registration === "cimd" ? "client metadata document" : "dynamic client registration",
      };
      await recordAudit(tx, {
        action: "agent.registered",
        ...system,
        targetType: "agent",
        targetId: agent.id,
        targetLabel: agent.name,
        decision: "allow",
        reason: `Interactive client ${input.clientId.slice(0, 200)} seen for the first time (${input.registration === "cimd" ? "client ID metadata document" : "RFC 7591 registration"}); ${approve ? "approved by the auto-approval policy" : "pending approval"}`,
        clientAddress: input.clientAddress ?? null,
        occurredAt: now,
        detail: { before: null, after: agentSnapshot(agent), metadata: publicMetadata(input.metadata) },
      });
      if (approve) {
        await recordAudit(tx, {
          action: "agent.approved",
          actorType: "system",
          actorLabel: "auto-approval policy",
          targetType: "agent",
          targetId: agent.id,
          targetLabel: agent.name,
          decision: "allow",
          reason: "Listed in Settings → Interactive clients → auto-approve",
          occurredAt: now,
        });
      }
      return agent;
    });
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    const existing = await db.agent.findUnique({ where: { clientId: input.clientId } });
    if (!existing) throw e;
    return existing;
  }
}

/**
 * A metadata document changed since it was last read (new redirect URIs, a
 * new name): the agent follows it, and the change is audited.
 */
export async function refreshInteractiveClientMetadata(
  db: Db,
  agent: Agent,
  metadata: InteractiveClientMetadata,
  now = new Date(),
): Promise<Agent> {
  const redirectUris = metadata.redirect_uris.join(" ");
  const after = publicMetadata(metadata);
  if (agent.redirectUris === redirectUris && JSON.stringify(agent.clientMetadata) === JSON.stringify(after))
    return agent;
  return db.$transaction(async (tx) => {
    const updated = await tx.agent.update({
      where: { id: agent.id },
      data: { redirectUris, clientMetadata: after as never, updatedAt: now },
    });
    await recordAudit(tx, {
      action: "agent.updated",
      actorType: "system",
      actorLabel: "client metadata document",
      targetType: "agent",
      targetId: agent.id,
      targetLabel: agent.name,
      decision: "info",
      reason: "The client's metadata document changed",
      occurredAt: now,
      detail: {
        before: { redirectUris: agent.redirectUris, metadata: agent.clientMetadata },
        after: { redirectUris, metadata: after },
      },
    });
    return updated;
  });
}
