import { z } from "zod";
import { agentsCsv } from "@/lib/agents/agents-csv";
import { getDb } from "@/lib/db/client";
import { pageRequestSchema } from "@/lib/pagination/keyset";
import { defineApiRoute } from "@/app/_server/api-route";
import { csvDownload } from "@/app/_server/csv-response";

/** The Agents list, for this search, as CSV. */
export const GET = defineApiRoute({
  permission: "inventory.view",
  query: z.object({ q: pageRequestSchema.shape.q }),
  handler: async ({ query }) => csvDownload(agentsCsv(getDb(), query.q), "agents"),
});
