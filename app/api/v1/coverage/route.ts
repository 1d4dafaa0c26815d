import { z } from "zod";
import { coverageCsv } from "@/lib/coverage/coverage-csv";
import { coverageMap } from "@/lib/coverage/coverage-map";
import { getDb } from "@/lib/db/client";
import { defineApiRoute } from "@/app/_server/api-route";

/** The enforcement coverage map: JSON, or `?format=csv` for a spreadsheet. */
export const GET = defineApiRoute({
  permission: "coverage.view",
  query: z.object({ format: z.enum(["json", "csv"]).default("json") }),
  handler: async ({ query }) => {
    const map = await coverageMap(getDb());
    if (query.format === "csv") {
      return new Response(coverageCsv(map), {
        headers: {
          "content-type": "text/csv; charset=utf-8",
          "cache-control": "no-store",
          "content-disposition": `attachment; filename="mandate-coverage-${map.generatedAt.toISOString().slice(0, 10)}.csv"`,
        },
      });
    }
    return { data: map };
  },
});
