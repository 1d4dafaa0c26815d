import { getDb } from "@/lib/db/client";
import { revokeSessionsOf, revokeSessionsOfSchema } from "@/lib/sessions/revoke-sessions-of";
import { defineApiRoute } from "@/app/_server/api-route";

/** Revoke every live session of an agent, a person or a server: `{ of: "agent", agentId, reason }` etc. */
export const POST = defineApiRoute({
  permission: "sessions.revoke",
  body: revokeSessionsOfSchema,
  handler: async ({ body }, principal) => ({ data: await revokeSessionsOf(getDb(), principal, body) }),
});
