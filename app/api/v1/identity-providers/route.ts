import { getDb } from "@/lib/db/client";
import { addTrustedIssuer, listTrustedIssuers, trustedIssuerInputSchema } from "@/lib/federation/trusted-issuers";
import { defineApiRoute } from "@/app/_server/api-route";

/** The trusted issuers, with their roles, key sources and agents' client ids. */
export const GET = defineApiRoute({
  permission: "settings.view",
  handler: async () => ({ data: await listTrustedIssuers(getDb()) }),
});

/** Trust an issuer: `{ name, issuer, roles, keySource?, jwksUri?, jwks?, algorithms?, userMatch?, enabled? }` (discovery by default). */
export const POST = defineApiRoute({
  permission: "settings.manage",
  body: trustedIssuerInputSchema,
  handler: async ({ body }, principal) => ({ data: await addTrustedIssuer(getDb(), principal, body) }),
});
