"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/lib/db/client";
import { registrationPolicySchema, setRegistrationPolicy } from "@/lib/interactive/registration-policy";
import { defineAction } from "@/app/_server/action";

/** Settings → Interactive clients: dynamic registration on or off, and the auto-approval list. */
export const setRegistrationPolicyAction = defineAction({
  name: "set-interactive-client-policy",
  permission: "settings.manage",
  input: registrationPolicySchema.strict(),
  handler: async (input, { principal }) => {
    const saved = await setRegistrationPolicy(getDb(), principal, input);
    revalidatePath("/settings");
    return saved;
  },
});
