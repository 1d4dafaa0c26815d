import { getDb } from "@/lib/db/client";
import { revokeSessions, revokeSessionsSchema } from "@/lib/sessions/revoke-sessions";
import { defineApiRoute } from "@/app/_server/api-route";

/** Revoke sessions by id (one or a selection): `{ sessionIds, reason }`. */
export const POST = defineApiRoute({
  permission: "sessions.revoke",
  body: revokeSessionsSchema,
  handler: async ({ body }, principal) => ({ data: await revokeSessions(getDb(), principal, body) }),
});
