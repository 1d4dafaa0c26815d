import { z } from "zod";
import { auditEventsPage, auditExportResponse } from "@/lib/audit/api-events";
import { EXPORT_FORMATS } from "@/lib/audit/export";
import { parseAuditFilter } from "@/lib/audit/filters";
import { getDb } from "@/lib/db/client";
import packageJson from "@/package.json";
import { defineApiRoute } from "@/app/_server/api-route";

// The filter's own parameters pass through untouched: parseAuditFilter reads them.
const querySchema = z.looseObject({
  format: z.enum(EXPORT_FORMATS).optional(),
  cursor: z.string().max(2000).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/**
 * The audit trail for SIEM pull and the console's export. Filters as on the
 * console (from, to, actor, target, action, decision, session, q). Without
 * `format`: a JSON page, newest first, with `nextCursor`. With
 * `format=jsonl|csv|ocsf`: the whole filtered range, streamed.
 */
export const GET = defineApiRoute({
  permission: "audit.export",
  query: querySchema,
  handler: async ({ query }) => {
    const filter = parseAuditFilter(query as Record<string, unknown>);
    if (query.format) return auditExportResponse(getDb(), filter, query.format, packageJson.version);
    return auditEventsPage(getDb(), filter, { cursor: query.cursor, limit: query.limit });
  },
});
