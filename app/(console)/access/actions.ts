"use server";

import { getDb } from "@/lib/db/client";
import { proposedChangeSchema } from "@/lib/entitlements/proposed-change";
import { previewChange as simulateChange } from "@/lib/entitlements/what-if";
import { defineAction } from "@/app/_server/action";

/** Who would gain or lose what if a change were saved; writes nothing. */
export const previewChange = defineAction({
  name: "preview-access-change",
  permission: "assignments.manage",
  input: proposedChangeSchema,
  handler: (change) => simulateChange(getDb(), change),
});
