"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { createScimToken, createScimTokenSchema, revokeScimToken, rotateScimToken } from "@/lib/directory/scim-tokens";
import { defineAction } from "@/app/_server/action";

const tokenId = z.object({ id: z.string().min(1).max(64) });

/** The token list here, and the Directory's sync status that counts active tokens. */
function revalidate(): void {
  revalidatePath("/settings/scim-tokens");
  revalidatePath("/directory");
}

/** Returns the token once; it is never stored or shown again. */
export const createScimTokenAction = defineAction({
  name: "create-scim-token",
  permission: "directory.manage",
  input: createScimTokenSchema,
  handler: async (input, { principal }) => {
    const created = await createScimToken(getDb(), principal, input);
    revalidate();
    return created;
  },
});

export const rotateScimTokenAction = defineAction({
  name: "rotate-scim-token",
  permission: "directory.manage",
  input: tokenId,
  handler: async ({ id }, { principal }) => {
    const rotated = await rotateScimToken(getDb(), principal, id);
    revalidate();
    return rotated;
  },
});

export const revokeScimTokenAction = defineAction({
  name: "revoke-scim-token",
  permission: "directory.manage",
  input: tokenId,
  handler: async ({ id }, { principal }) => {
    await revokeScimToken(getDb(), principal, id);
    revalidate();
  },
});
