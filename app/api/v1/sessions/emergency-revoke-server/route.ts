import { getDb } from "@/lib/db/client";
import { emergencyRevokeServer, emergencyRevokeServerSchema } from "@/lib/sessions/revoke-sessions-of";
import { defineApiRoute } from "@/app/_server/api-route";

/** Everything on a server: `{ serverId, confirmName, reason }` (confirmName must be the server's name). */
export const POST = defineApiRoute({
  permission: "sessions.revoke",
  body: emergencyRevokeServerSchema,
  handler: async ({ body }, principal) => ({ data: await emergencyRevokeServer(getDb(), principal, body) }),
});
