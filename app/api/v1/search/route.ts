import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { globalSearch, MAX_QUERY_LENGTH } from "@/lib/search/global-search";
import { defineApiRoute } from "@/app/_server/api-route";

/** The top bar's search. Every role may search; each kind of result is limited to what the caller may view. */
export const GET = defineApiRoute({
  permission: "overview.view",
  query: z.object({ q: z.string().max(MAX_QUERY_LENGTH).default("") }),
  handler: async ({ query }, principal) => ({ hits: await globalSearch(getDb(), principal, query.q) }),
});
