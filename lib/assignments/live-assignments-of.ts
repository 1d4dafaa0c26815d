import type { Db } from "@/lib/db/client";
import { assignmentItemSelect, toAssignmentItem, type AssignmentItem } from "./assignment-item";
import { liveAssignmentWhere } from "./live-assignment";

/** The live assignments of one agent or one entitlement (detail pages: tens of rows, not pages). */
export async function liveAssignmentsOf(
  db: Db,
  of: { agentId: string } | { entitlementId: string },
  now = new Date(),
): Promise<AssignmentItem[]> {
  const rows = await db.assignment.findMany({
    where: { ...of, ...liveAssignmentWhere(now) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 500,
    select: assignmentItemSelect,
  });
  return rows.map(toAssignmentItem);
}
