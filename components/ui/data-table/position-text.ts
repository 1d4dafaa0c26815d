import type { PagePosition } from "@/lib/pagination/keyset";

export const countText = (n: number): string => n.toLocaleString("en-US");

/** "Showing 51–100 of 312"; past the count cap, "Showing 50 rows of 10,000+". */
export function positionText(position: PagePosition | undefined, rowCount: number): string {
  if (!position) return rowCount === 1 ? "1 row on this page" : `${countText(rowCount)} rows on this page`;
  const total = `${countText(position.total)}${position.totalCapped ? "+" : ""}`;
  if (rowCount === 0) return `Showing 0 of ${total}`;
  if (position.firstCapped) return `Showing ${countText(rowCount)} ${rowCount === 1 ? "row" : "rows"} of ${total}`;
  return `Showing ${countText(position.first)}–${countText(position.first + rowCount - 1)} of ${total}`;
}
