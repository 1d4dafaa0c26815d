"use server";

import { actorOf } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { removeUnusedAccess as removeUnused, removeUnusedAccessSchema } from "@/lib/reviews/remove-unused-access";
import { defineAction } from "@/app/_server/action";

/**
 * Ends or narrows one or many agent assignments to what was used in 90 days, with the person's reason; audited
 * with the change, and the live sessions that lose a tool are revoked in the same transaction.
 */
export const removeUnusedAccess = defineAction({
  name: "remove-unused-access",
  permission: "assignments.manage",
  input: removeUnusedAccessSchema,
  handler: (input, { principal }) => removeUnused(getDb(), input, actorOf(principal)),
});
