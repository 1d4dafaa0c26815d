import { getDb } from "@/lib/db/client";
import { pageRequestSchema } from "@/lib/pagination/keyset";
import { sessionsCsv } from "@/lib/sessions/sessions-csv";
import { sessionFiltersSchema } from "@/lib/sessions/session-filters";
import { defineApiRoute } from "@/app/_server/api-route";
import { csvDownload } from "@/app/_server/csv-response";

/** Agent sessions, for the Sessions page's filters and search, as CSV. */
export const GET = defineApiRoute({
  permission: "sessions.view",
  query: sessionFiltersSchema.extend({ q: pageRequestSchema.shape.q }),
  handler: async ({ query: { q, ...filters } }) => csvDownload(sessionsCsv(getDb(), filters, q), "sessions"),
});
