"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import {
  addAgentIdpClient,
  addTrustedIssuer,
  agentClientInputSchema,
  removeAgentIdpClient,
  removeTrustedIssuer,
  testTrustedIssuer,
  trustedIssuerInputSchema,
  updateTrustedIssuer,
} from "@/lib/federation/trusted-issuers";
import {
  addWorkloadIdentity,
  claimLinesSchema,
  removeWorkloadIdentity,
  workloadIdentityInputSchema,
} from "@/lib/federation/workload-identities";
import { defineAction } from "@/app/_server/action";

const byId = z.object({ id: z.string().min(1).max(64) });
const revalidate = () => revalidatePath("/settings/identity-providers");

export const addTrustedIssuerAction = defineAction({
  name: "add-trusted-issuer",
  permission: "settings.manage",
  input: trustedIssuerInputSchema,
  handler: async (input, { principal }) => {
    const added = await addTrustedIssuer(getDb(), principal, input);
    revalidate();
    return added;
  },
});

export const updateTrustedIssuerAction = defineAction({
  name: "update-trusted-issuer",
  permission: "settings.manage",
  input: trustedIssuerInputSchema.extend({ id: z.string().min(1).max(64) }),
  handler: async ({ id, ...input }, { principal }) => {
    await updateTrustedIssuer(getDb(), principal, id, input);
    revalidate();
  },
});

export const removeTrustedIssuerAction = defineAction({
  name: "remove-trusted-issuer",
  permission: "settings.manage",
  input: byId,
  handler: async ({ id }, { principal }) => {
    await removeTrustedIssuer(getDb(), principal, id);
    revalidate();
  },
});

/** Fetches the issuer's keys now and lists them; nothing changes. */
export const testTrustedIssuerAction = defineAction({
  name: "test-trusted-issuer",
  permission: "settings.manage",
  input: byId,
  handler: async ({ id }) => testTrustedIssuer(getDb(), id),
});

export const addAgentIdpClientAction = defineAction({
  name: "add-agent-idp-client",
  permission: "settings.manage",
  input: agentClientInputSchema,
  handler: async (input, { principal }) => {
    const added = await addAgentIdpClient(getDb(), principal, input);
    revalidate();
    return added;
  },
});

export const removeAgentIdpClientAction = defineAction({
  name: "remove-agent-idp-client",
  permission: "settings.manage",
  input: byId,
  handler: async ({ id }, { principal }) => {
    await removeAgentIdpClient(getDb(), principal, id);
    revalidate();
  },
});

/** Maps a workload issuer's JWTs (sub and required claims, one `name=value` per line) to an autonomous agent. */
export const addWorkloadIdentityAction = defineAction({
  name: "add-workload-identity",
  permission: "settings.manage",
  input: workloadIdentityInputSchema.extend({ claims: claimLinesSchema }),
  handler: async (input, { principal }) => {
    const added = await addWorkloadIdentity(getDb(), principal, input);
    revalidate();
    return added;
  },
});

export const removeWorkloadIdentityAction = defineAction({
  name: "remove-workload-identity",
  permission: "settings.manage",
  input: byId,
  handler: async ({ id }, { principal }) => {
    await removeWorkloadIdentity(getDb(), principal, id);
    revalidate();
  },
});
