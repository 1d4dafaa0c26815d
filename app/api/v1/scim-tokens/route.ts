import { getDb } from "@/lib/db/client";
import { createScimToken, createScimTokenSchema, listScimTokens } from "@/lib/directory/scim-tokens";
import { defineApiRoute } from "@/app/_server/api-route";

/** The SCIM provisioning tokens (never their secrets), newest first. */
export const GET = defineApiRoute({
  permission: "directory.manage",
  handler: async () => ({ data: await listScimTokens(getDb()) }),
});

/** Issues a SCIM token for the enterprise IdP; the secret is in this answer only. */
export const POST = defineApiRoute({
  permission: "directory.manage",
  body: createScimTokenSchema,
  handler: async ({ body }, principal) => ({ data: await createScimToken(getDb(), principal, body) }),
});
