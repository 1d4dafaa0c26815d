"use server";

import { z } from "zod";
import { actorOf } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { removeUnusedAccess as removeUnused } from "@/lib/reviews/remove-unused-access";
import { defineAction } from "@/app/_server/action";

/** Ends or narrows one agent assignment to what was used in 90 days; audited with the change. */
export const removeUnusedAccess = defineAction({
  name: "remove-unused-access",
  permission: "assignments.manage",
  input: z.object({ assignmentId: z.string().min(1).max(200) }),
  handler: ({ assignmentId }, { principal }) => removeUnused(getDb(), assignmentId, actorOf(principal)),
});
