import { getDb } from "@/lib/db/client";
import {
  addWorkloadIdentity,
  listWorkloadIdentities,
  workloadIdentityInputSchema,
} from "@/lib/federation/workload-identities";
import { defineApiRoute } from "@/app/_server/api-route";

/** The rules that map this workload issuer's workload identities to autonomous agents. */
export const GET = defineApiRoute({
  permission: "settings.view",
  handler: async ({ params }) => ({ data: await listWorkloadIdentities(getDb(), { idpId: params.id ?? "" }) }),
});

/** Map a workload identity to an autonomous agent: `{ agentId, subject, claims?: { name: value } }`. */
export const POST = defineApiRoute({
  permission: "settings.manage",
  body: workloadIdentityInputSchema.omit({ idpId: true }),
  handler: async ({ body, params }, principal) => ({
    data: await addWorkloadIdentity(getDb(), principal, { ...body, idpId: params.id ?? "" }),
  }),
});
