import { getDb } from "@/lib/db/client";
import { killAgent, killAgentSchema } from "@/lib/sessions/kill-agent";
import { defineApiRoute } from "@/app/_server/api-route";

/** Kill switch: suspend the agent and revoke all its sessions, `{ agentId, reason }`. */
export const POST = defineApiRoute({
  permission: "sessions.revoke",
  body: killAgentSchema,
  handler: async ({ body }, principal) => ({ data: await killAgent(getDb(), principal, body) }),
});
