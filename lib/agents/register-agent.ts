import type { Db, Tx } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import { actorOf, personOf, type Principal } from "@/lib/auth/principal";
import { DomainError } from "@/lib/errors/domain-error";
import { registerAgentSchema, type RegisterAgentInput } from "./agent-schemas";
import { agentSnapshot } from "./agent-snapshot";
import { newClientId } from "./client-id";
import { generateClientSecret } from "./client-secret";
import { requireActiveOwner } from "./require-active-owner";
import { validateUploadedJwks } from "./validate-jwks";

export interface RegisteredAgent {
  id: string;
  clientId: string;
  /** Only for client_secret_* agents; shown once, never stored. */
  clientSecret: string | null;
}

/**
 * Registers an agent as an OAuth client. Either everything is written (the
 * agent and its audit event) or nothing is: validation runs before the
 * transaction and the name check inside it.
 *
 * The person registering is recorded as the holder of the agent's credential:
 * they are shown its client secret, or they chose the keys it signs with.
 * Separation of duties then keeps them from granting it access, as if they
 * owned it (lib/access/separation-of-duties.ts).
 */
export async function registerAgent(
  db: Db,
  actor: Principal,
  raw: RegisterAgentInput,
  now = new Date(),
): Promise<RegisteredAgent> {
  return db.$transaction((tx) => registerAgentIn(tx, actor, raw, now));
}

/** registerAgent inside the caller's transaction: the policy importer applies a whole file in one. */
export async function registerAgentIn(
  tx: Tx,
  actor: Principal,
  raw: RegisterAgentInput,
  now = new Date(),
): Promise<RegisteredAgent> {
  const input = registerAgentSchema.parse(raw);
  const jwks = input.authMethod === "private_key_jwt" && input.jwks ? await validateUploadedJwks(input.jwks) : null;
  const secret = input.authMethod === "private_key_jwt" ? null : generateClientSecret();

  if (await tx.agent.findUnique({ where: { name: input.name }, select: { id: true } })) {
    throw new DomainError("conflict", "An agent with this name already exists", "name");
  }
  await requireActiveOwner(tx, input.ownerId);
  const agent = await tx.agent.create({
    data: {
      clientId: await newClientId(tx, input.name),
      name: input.name,
      purpose: input.purpose,
      kind: input.kind,
      status: "active",
      ownerId: input.ownerId,
      authMethod: input.authMethod,
      jwksUri: input.authMethod === "private_key_jwt" ? (input.jwksUri ?? null) : null,
      jwks: (jwks ?? undefined) as never,
      clientSecretHash: secret?.hash ?? null,
      credentialHolderId: personOf(actor),
      credentialIssuedAt: now,
      allowedGrantTypes: input.allowedGrantTypes.join(" "),
      maxTokenLifetimeSeconds: input.maxTokenLifetimeSeconds,
      createdAt: now,
    },
  });
  await recordAudit(tx, {
    action: "agent.registered",
    ...actorOf(actor),
    targetType: "agent",
    targetId: agent.id,
    targetLabel: agent.name,
    decision: "allow",
    reason: `Registered ${agent.kind} agent ${agent.clientId}`,
    occurredAt: now,
    detail: { before: null, after: agentSnapshot(agent) },
  });
  return { id: agent.id, clientId: agent.clientId, clientSecret: secret?.secret ?? null };
}
