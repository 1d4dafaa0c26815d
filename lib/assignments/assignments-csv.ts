import type { Db } from "@/lib/db/client";
import { isoCell, keysetCsv } from "@/lib/exports/keyset-csv";
import type { AssignmentItem } from "./assignment-item";
import { type AssignmentFilters, listAssignments } from "./list-assignments";

export const ASSIGNMENTS_CSV_HEADER = [
  "id",
  "entitlement_id",
  "entitlement",
  "server",
  "principal_type",
  "principal_id",
  "principal",
  "principal_detail",
  "granted_by",
  "justification",
  "created_at",
  "expires_at",
] as const;

function cells(a: AssignmentItem): string[] {
  return [
    a.id,
    a.entitlement.id,
    a.entitlement.name,
    a.entitlement.serverName,
    a.principalType,
    a.principal.id,
    a.principal.label,
    a.principal.detail ?? "",
    a.grantedBy ?? "",
    a.justification,
    isoCell(a.createdAt),
    isoCell(a.expiresAt),
  ];
}

/** Every live assignment the Assignments page lists for these filters and search, as CSV. */
export function assignmentsCsv(
  db: Db,
  filters: AssignmentFilters,
  q?: string,
  now = new Date(),
): ReadableStream<Uint8Array> {
  return keysetCsv(ASSIGNMENTS_CSV_HEADER, cells, (request) => listAssignments(db, request, filters, now), q);
}
