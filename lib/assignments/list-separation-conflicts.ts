import type { Db } from "@/lib/db/client";
import { assignmentItemSelect, toAssignmentItem, type AssignmentItem } from "./assignment-item";

/** A grant ended for separation of duties, waiting for an admin to grant it again or dismiss it. */
export interface SeparationConflictItem extends AssignmentItem {
  conflictAt: Date;
  /** Who came to benefit from their own grant, and how. */
  conflict: string;
  endedAt: Date | null;
}

const LIMIT = 100;

/** The flagged grants, newest first (a short list: each is a conflict someone has to look at), with their count. */
export async function listSeparationConflicts(db: Db): Promise<{ total: number; rows: SeparationConflictItem[] }> {
  const where = { separationConflictAt: { not: null } };
  const [total, rows] = await Promise.all([
    db.assignment.count({ where }),
    db.assignment.findMany({
      where,
      orderBy: [{ separationConflictAt: "desc" }, { id: "desc" }],
      take: LIMIT,
      select: { ...assignmentItemSelect, separationConflictAt: true, separationConflict: true, endedAt: true },
    }),
  ]);
  return {
    total,
    rows: rows.map((r) => ({
      ...toAssignmentItem(r),
      conflictAt: r.separationConflictAt!,
      conflict: r.separationConflict ?? "",
      endedAt: r.endedAt,
    })),
  };
}
