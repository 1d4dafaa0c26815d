import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { addAgentIdpClient, agentClientInputSchema } from "@/lib/federation/trusted-issuers";
import { defineApiRoute } from "@/app/_server/api-route";

/** Record a delegated agent's client id at this IdP: `{ agentId, clientId }`. */
export const POST = defineApiRoute({
  permission: "settings.manage",
  body: agentClientInputSchema.omit({ idpId: true }).extend({ agentId: z.string().trim().min(1).max(64) }),
  handler: async ({ body, params }, principal) => ({
    data: await addAgentIdpClient(getDb(), principal, { ...body, idpId: params.id ?? "" }),
  }),
});
