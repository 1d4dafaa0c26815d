import { z } from "zod";
import type { Db } from "@/lib/db/client";
import type { Principal } from "@/lib/auth/principal";
import { suspendAgent } from "@/lib/agents/suspend-agent";
import { reasonSchema } from "./revoke-sessions";

export const killAgentSchema = z.object({ agentId: z.string().min(1), reason: reasonSchema });
export type KillAgentInput = z.infer<typeof killAgentSchema>;

/**
 * The incident kill switch for on-call: suspend the agent (the token service
 * refuses it from the commit on) and revoke all its live sessions, in one
 * transaction. The same as suspending from the agent's page, with a reason.
 */
export async function killAgent(
  db: Db,
  actor: Principal,
  input: KillAgentInput,
  now = new Date(),
): Promise<{ revoked: string[] }> {
  return { revoked: await suspendAgent(db, actor, input.agentId, now, input.reason) };
}
