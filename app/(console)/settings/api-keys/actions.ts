"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { createApiKey, createApiKeySchema, revokeApiKey, rotateApiKey } from "@/lib/auth/api-keys";
import { defineAction } from "@/app/_server/action";

const PATH = "/settings/api-keys";
const keyId = z.object({ id: z.string().min(1).max(64) });

/** Returns the secret once; it is never stored or shown again. */
export const createKey = defineAction({
  name: "create-api-key",
  permission: "api_keys.manage",
  input: createApiKeySchema,
  handler: async (input, { principal }) => {
    const created = await createApiKey(getDb(), principal, input);
    revalidatePath(PATH);
    return created;
  },
});

/** Returns the new secret once; the old one stops working at once. */
export const rotateKey = defineAction({
  name: "rotate-api-key",
  permission: "api_keys.manage",
  input: keyId,
  handler: async ({ id }, { principal }) => {
    const rotated = await rotateApiKey(getDb(), principal, id);
    revalidatePath(PATH);
    return rotated;
  },
});

export const revokeKey = defineAction({
  name: "revoke-api-key",
  permission: "api_keys.manage",
  input: keyId,
  handler: async ({ id }, { principal }) => {
    await revokeApiKey(getDb(), principal, id);
    revalidatePath(PATH);
  },
});
