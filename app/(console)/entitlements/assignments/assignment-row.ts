import type { AssignmentItem } from "@/lib/assignments/assignment-item";

/** An assignment as the browser receives it: dates as ISO strings. */
export type AssignmentRow = Omit<AssignmentItem, "expiresAt" | "createdAt"> & {
  expiresAt: string | null;
  createdAt: string;
};

export function toAssignmentRow(a: AssignmentItem): AssignmentRow {
  return { ...a, expiresAt: a.expiresAt?.toISOString() ?? null, createdAt: a.createdAt.toISOString() };
}
