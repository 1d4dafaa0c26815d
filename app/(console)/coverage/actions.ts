"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/lib/db/client";
import { drillContext } from "@/lib/drills/drill-context";
import { runDrillsSchema } from "@/lib/drills/drill-schemas";
import { runDrills } from "@/lib/drills/run-drill";
import { defineAction } from "@/app/_server/action";

/** Revocation drills on one server, a selection, or all: the outcome of each. */
export const runDrillsAction = defineAction({
  name: "run-drills",
  permission: "drills.run",
  input: runDrillsSchema,
  handler: async (input, { principal }) => {
    const reports = await runDrills(drillContext(getDb()), principal, {
      serverIds: input.serverIds,
      trigger: "console",
    });
    revalidatePath("/coverage");
    revalidatePath("/");
    return reports.map((r) => ({
      id: r.id,
      serverName: r.serverName,
      outcome: r.outcome,
      slowestMs: r.slowestMs,
      reason: r.reason,
    }));
  },
});
