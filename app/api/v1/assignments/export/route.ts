import { assignmentsCsv } from "@/lib/assignments/assignments-csv";
import { assignmentFiltersSchema } from "@/lib/assignments/list-assignments";
import { getDb } from "@/lib/db/client";
import { pageRequestSchema } from "@/lib/pagination/keyset";
import { defineApiRoute } from "@/app/_server/api-route";
import { csvDownload } from "@/app/_server/csv-response";

/** The live assignments, for the Assignments page's filters and search, as CSV. */
export const GET = defineApiRoute({
  permission: "inventory.view",
  query: assignmentFiltersSchema.extend({ q: pageRequestSchema.shape.q }),
  handler: async ({ query: { q, ...filters } }) => csvDownload(assignmentsCsv(getDb(), filters, q), "assignments"),
});
