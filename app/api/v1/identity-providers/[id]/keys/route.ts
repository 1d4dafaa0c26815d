import { getDb } from "@/lib/db/client";
import { testTrustedIssuer } from "@/lib/federation/trusted-issuers";
import { defineApiRoute } from "@/app/_server/api-route";

/** The "test" action: fetches the issuer's keys now and lists them. */
export const GET = defineApiRoute({
  permission: "settings.manage",
  handler: async ({ params }) => ({ data: await testTrustedIssuer(getDb(), params.id ?? "") }),
});
