"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/lib/db/client";
import {
  agentIdSchema,
  registerAgentSchema,
  retireAgentSchema,
  suspendAgentSchema,
  updateAgentSchema,
} from "@/lib/agents/agent-schemas";
import { reactivateAgent } from "@/lib/agents/reactivate-agent";
import { registerAgent } from "@/lib/agents/register-agent";
import { retireAgent } from "@/lib/agents/retire-agent";
import { rotateAgentSecret } from "@/lib/agents/rotate-agent-secret";
import { suspendAgent } from "@/lib/agents/suspend-agent";
import { updateAgent } from "@/lib/agents/update-agent";
import { approveInteractiveClient } from "@/lib/interactive/approve-client";
import { defineAction } from "@/app/_server/action";

export const registerAgentAction = defineAction({
  name: "register-agent",
  permission: "agents.manage",
  input: registerAgentSchema,
  handler: async (input, { principal }) => {
    const created = await registerAgent(getDb(), principal, input);
    revalidatePath("/agents");
    return created;
  },
});

export const updateAgentAction = defineAction({
  name: "update-agent",
  permission: "agents.manage",
  input: updateAgentSchema,
  handler: async (input, { principal }) => {
    await updateAgent(getDb(), principal, input);
    revalidatePath(`/agents/${input.agentId}`);
  },
});

export const suspendAgentAction = defineAction({
  name: "suspend-agent",
  permission: "agents.manage",
  input: suspendAgentSchema,
  handler: async ({ agentId, reason }, { principal }) => {
    await suspendAgent(getDb(), principal, agentId, new Date(), reason);
    revalidatePath(`/agents/${agentId}`);
  },
});

export const reactivateAgentAction = defineAction({
  name: "reactivate-agent",
  permission: "agents.manage",
  input: agentIdSchema,
  handler: async ({ agentId }, { principal }) => {
    await reactivateAgent(getDb(), principal, agentId);
    revalidatePath(`/agents/${agentId}`);
  },
});

export const retireAgentAction = defineAction({
  name: "retire-agent",
  permission: "agents.manage",
  input: retireAgentSchema,
  handler: async ({ agentId, reason }, { principal }) => {
    const result = await retireAgent(getDb(), principal, agentId, reason);
    revalidatePath(`/agents/${agentId}`);
    return result;
  },
});

export const rotateAgentSecretAction = defineAction({
  name: "rotate-agent-secret",
  permission: "agents.manage",
  input: agentIdSchema,
  handler: async ({ agentId }, { principal }) => rotateAgentSecret(getDb(), principal, agentId),
});

export const approveInteractiveClientAction = defineAction({
  name: "approve-interactive-client",
  permission: "agents.manage",
  input: agentIdSchema,
  handler: async ({ agentId }, { principal }) => {
    await approveInteractiveClient(getDb(), principal, agentId);
    revalidatePath("/agents");
    revalidatePath(`/agents/${agentId}`);
  },
});
