"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/lib/db/client";
import { killAgent, killAgentSchema } from "@/lib/sessions/kill-agent";
import { revokeSessions, revokeSessionsSchema } from "@/lib/sessions/revoke-sessions";
import {
  emergencyRevokeServer,
  emergencyRevokeServerSchema,
  revokeSessionsOf,
  revokeSessionsOfSchema,
} from "@/lib/sessions/revoke-sessions-of";
import { defineAction } from "@/app/_server/action";

/** One session, or a selection (bulk revoke). */
export const revokeSessionsAction = defineAction({
  name: "revoke-sessions",
  permission: "sessions.revoke",
  input: revokeSessionsSchema,
  handler: async (input, { principal }) => {
    const result = await revokeSessions(getDb(), principal, input);
    revalidatePath("/sessions");
    return result;
  },
});

/** Every live session of an agent, of a person or on a server. */
export const revokeSessionsOfAction = defineAction({
  name: "revoke-sessions-of",
  permission: "sessions.revoke",
  input: revokeSessionsOfSchema,
  handler: async (input, { principal }) => {
    const result = await revokeSessionsOf(getDb(), principal, input);
    revalidatePath("/sessions");
    return result;
  },
});

/** "Revoke everything on this server", confirmed by typing its name. */
export const emergencyRevokeServerAction = defineAction({
  name: "emergency-revoke-server",
  permission: "sessions.revoke",
  input: emergencyRevokeServerSchema,
  handler: async (input, { principal }) => {
    const result = await emergencyRevokeServer(getDb(), principal, input);
    revalidatePath("/sessions");
    return result;
  },
});

/** Kill switch: suspend the agent and revoke all its sessions. */
export const killAgentAction = defineAction({
  name: "kill-agent",
  permission: "sessions.revoke",
  input: killAgentSchema,
  handler: async (input, { principal }) => {
    const result = await killAgent(getDb(), principal, input);
    revalidatePath("/sessions");
    revalidatePath(`/agents/${input.agentId}`);
    return result;
  },
});
