"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { applyPolicy } from "@/lib/policy/apply-policy";
import { planPolicy } from "@/lib/policy/plan-policy";
import { defineAction } from "@/app/_server/action";

/** A policy file as pasted or uploaded. 2 MB is far beyond any real organisation's model. */
const policyInput = z.object({
  yaml: z.string().min(1, "Paste or upload a policy file").max(2_000_000, "The file is larger than 2 MB"),
  prune: z.boolean().default(false),
});

/** Problems with the file are a normal answer (line-numbered issues), not an action error. */
export const planPolicyAction = defineAction({
  name: "plan-policy",
  permission: "policy.apply",
  input: policyInput,
  handler: ({ yaml, prune }, { principal }) => planPolicy(getDb(), principal, yaml, { prune }),
});

export const applyPolicyAction = defineAction({
  name: "apply-policy",
  permission: "policy.apply",
  input: policyInput,
  handler: async ({ yaml, prune }, { principal }) => {
    const result = await applyPolicy(getDb(), principal, yaml, { prune });
    if (result.ok && result.applied) {
      // Everything the file touches is listed on these pages.
      for (const path of ["/settings/policy", "/servers", "/agents", "/entitlements"]) revalidatePath(path);
    }
    return result;
  },
});
