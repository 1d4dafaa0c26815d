"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { actorOf } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { rotateSigningKeys } from "@/lib/keys/rotate-signing-keys";
import { defineAction } from "@/app/_server/action";

/**
 * One rotation step (lib/keys/rotate-signing-keys.ts): the published `next`
 * key starts signing, the active one retires but stays in the JWKS until its
 * last token has expired, and a new `next` key is published. Each change is
 * audited with the person who asked.
 */
export const rotateKeys = defineAction({
  name: "rotate-signing-keys",
  permission: "signing_keys.manage",
  input: z.object({}),
  handler: async (_input, { principal }) => {
    const actor = actorOf(principal);
    const result = await rotateSigningKeys(getDb(), { actorId: actor.actorId, actorLabel: actor.actorLabel });
    revalidatePath("/settings/signing-keys");
    return result;
  },
});
