import type { Tx } from "@/lib/db/client";
import type { Agent } from "@/lib/db/generated/sqlite/client";
import { DomainError } from "@/lib/errors/domain-error";

export async function findAgentOrThrow(tx: Tx, agentId: string): Promise<Agent> {
  const agent = await tx.agent.findUnique({ where: { id: agentId } });
  if (!agent) throw new DomainError("not_found", "No such agent");
  return agent;
}
