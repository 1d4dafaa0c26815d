"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { MAX_RETENTION_DAYS, setAuditRetentionDays } from "@/lib/audit/retention";
import { actorOf } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { defineAction } from "@/app/_server/action";

/** Settings → Audit retention: days to keep events, or null to keep every event. */
export const setAuditRetentionAction = defineAction({
  name: "set-audit-retention",
  permission: "settings.manage",
  input: z
    .object({
      retentionDays: z
        .number()
        .int()
        .min(1, "At least one day")
        .max(MAX_RETENTION_DAYS, "At most 100 years")
        .nullable(),
    })
    .strict(),
  handler: async (input, { principal }) => {
    await setAuditRetentionDays(getDb(), input.retentionDays, actorOf(principal));
    revalidatePath("/settings");
    return { retentionDays: input.retentionDays };
  },
});
