import { getDb } from "@/lib/db/client";
import { drillContext } from "@/lib/drills/drill-context";
import { listDrillsSchema, runDrillsSchema } from "@/lib/drills/drill-schemas";
import { listDrills } from "@/lib/drills/list-drills";
import { runDrills } from "@/lib/drills/run-drill";
import { defineApiRoute } from "@/app/_server/api-route";

/** Revocation drill results, newest first (`?serverId=`, `?limit=`). */
export const GET = defineApiRoute({
  permission: "coverage.view",
  query: listDrillsSchema,
  handler: async ({ query }) => ({ data: await listDrills(getDb(), query) }),
});

/** Run drills now: `{ "serverIds": ["…"] }` or `{ "serverIds": "all" }`; answers once they have finished. */
export const POST = defineApiRoute({
  permission: "drills.run",
  body: runDrillsSchema,
  handler: async ({ body }, principal) => ({
    data: await runDrills(drillContext(getDb()), principal, { serverIds: body.serverIds, trigger: "api" }),
  }),
});
