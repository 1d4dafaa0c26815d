import { getDb } from "@/lib/db/client";
import { DomainError } from "@/lib/errors/domain-error";
import {
  getTrustedIssuer,
  removeTrustedIssuer,
  trustedIssuerInputSchema,
  updateTrustedIssuer,
} from "@/lib/federation/trusted-issuers";
import { defineApiRoute } from "@/app/_server/api-route";

export const GET = defineApiRoute({
  permission: "settings.view",
  handler: async ({ params }) => {
    const issuer = await getTrustedIssuer(getDb(), params.id ?? "");
    if (!issuer) throw new DomainError("not_found", "No such identity provider");
    return { data: issuer };
  },
});

/** Replace the issuer's settings (the same body as POST); its keys are re-resolved. */
export const PUT = defineApiRoute({
  permission: "settings.manage",
  body: trustedIssuerInputSchema,
  handler: async ({ body, params }, principal) => {
    await updateTrustedIssuer(getDb(), principal, params.id ?? "", body);
    return { data: { id: params.id } };
  },
});

export const DELETE = defineApiRoute({
  permission: "settings.manage",
  handler: async ({ params }, principal) => {
    await removeTrustedIssuer(getDb(), principal, params.id ?? "");
    return { data: { id: params.id } };
  },
});
