import type { Db, Tx } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import { actorOf, type Principal } from "@/lib/auth/principal";
import { DomainError } from "@/lib/errors/domain-error";
import { createEntitlementSchema, type CreateEntitlementInput } from "./entitlement-schemas";
import { requireGrantableTools } from "./require-grantable-tools";

/** Creates an entitlement; its risk is derived from its tools (the highest), never set by hand. */
export async function createEntitlement(
  db: Db,
  actor: Principal,
  raw: CreateEntitlementInput,
  now = new Date(),
): Promise<{ id: string }> {
  return db.$transaction((tx) => createEntitlementIn(tx, actor, raw, now));
}

/** createEntitlement inside the caller's transaction: the policy importer applies a whole file in one. */
export async function createEntitlementIn(
  tx: Tx,
  actor: Principal,
  raw: CreateEntitlementInput,
  now = new Date(),
): Promise<{ id: string }> {
  const input = createEntitlementSchema.parse(raw);
  if (await tx.entitlement.findUnique({ where: { name: input.name }, select: { id: true } })) {
    throw new DomainError("conflict", "An entitlement with this name already exists", "name");
  }
  const server = await tx.mcpServer.findUnique({ where: { id: input.serverId }, select: { id: true, name: true } });
  if (!server) throw new DomainError("not_found", "No such MCP server", "serverId");
  const { tools, risk } = await requireGrantableTools(tx, server.id, input.toolIds);
  const row = await tx.entitlement.create({
    data: {
      name: input.name,
      description: input.description ?? null,
      serverId: server.id,
      maxSessionSeconds: input.maxSessionSeconds,
      reauthIntervalSeconds: input.reauthIntervalSeconds ?? null,
      createdAt: now,
      tools: { create: tools.map((t) => ({ toolId: t.id })) },
    },
  });
  await recordAudit(tx, {
    action: "entitlement.created",
    ...actorOf(actor),
    targetType: "entitlement",
    targetId: row.id,
    targetLabel: row.name,
    decision: "allow",
    reason: `${tools.length} tool(s) on ${server.name}, risk ${risk}`,
    occurredAt: now,
    detail: {
      before: null,
      after: {
        name: row.name,
        description: row.description,
        serverId: server.id,
        maxSessionSeconds: row.maxSessionSeconds,
        reauthIntervalSeconds: row.reauthIntervalSeconds,
        toolIds: tools.map((t) => t.id),
        tools: tools.map((t) => t.name),
        risk,
      },
    },
  });
  return { id: row.id };
}
