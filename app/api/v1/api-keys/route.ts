import { listApiKeys } from "@/lib/auth/api-keys";
import { getDb } from "@/lib/db/client";
import { defineApiRoute } from "@/app/_server/api-route";

/** The admin API keys (never their secrets), newest first. */
export const GET = defineApiRoute({
  permission: "api_keys.manage",
  handler: async () => ({ data: await listApiKeys(getDb()) }),
});
