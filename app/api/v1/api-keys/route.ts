import { createApiKey, createApiKeySchema, listApiKeys } from "@/lib/auth/api-keys";
import { getDb } from "@/lib/db/client";
import { defineApiRoute } from "@/app/_server/api-route";

/** The admin API keys (never their secrets), newest first. */
export const GET = defineApiRoute({
  permission: "api_keys.manage",
  handler: async () => ({ data: await listApiKeys(getDb()) }),
});

/**
 * Creates a key for automation; the secret is in this answer only. The
 * caller's holder holds it (a key made with a key belongs to the same
 * person), so its role must be within theirs, as in the console.
 */
export const POST = defineApiRoute({
  permission: "api_keys.manage",
  body: createApiKeySchema.extend({
    expiresInDays: createApiKeySchema.shape.expiresInDays.optional().transform((v) => v ?? null),
  }),
  handler: async ({ body }, principal) => ({ data: await createApiKey(getDb(), principal, body) }),
});
