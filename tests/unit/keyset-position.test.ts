import { describe, expect, it } from "vitest";
import { positionText } from "@/components/ui/data-table/position-text";
import {
  COUNT_CAP,
  type Cursor,
  decodeCursor,
  type KeysetWindow,
  loadKeysetPage,
  type PageRequest,
} from "@/lib/pagination/keyset";

type Row = { id: string; name: string };

/** A list ordered by (name, id) held in memory, with the window and count functions a Prisma list gives loadKeysetPage. */
function memoryList(size: number) {
  const rows: Row[] = Array.from({ length: size }, (_, i) => ({
    id: `id-${String(i).padStart(6, "0")}`,
    name: `agent ${String(i).padStart(6, "0")}`,
  }));
  const keyOf = (row: Row): Cursor => ({ key: row.name, id: row.id });
  const past = ({ direction, cursor }: KeysetWindow) => {
    if (!cursor) return direction === "forward" ? rows : [...rows].reverse();
    const at = rows.findIndex((r) => r.id === cursor.id);
    return direction === "forward" ? rows.slice(at + 1) : rows.slice(0, at).reverse();
  };
  const fetchWindow = async (window: KeysetWindow) => past(window).slice(0, window.take);
  const countWindow = async (window: KeysetWindow) => Math.min(past(window).length, window.take);
  return { load: (request: PageRequest) => loadKeysetPage(request, keyOf, fetchWindow, countWindow) };
}

describe("loadKeysetPage with a count", () => {
  const list = memoryList(12);

  it("places the first page at 1 and counts the whole list", async () => {
    const page = await list.load({ limit: 5 });
    expect(page.position).toEqual({ first: 1, total: 12, firstCapped: false, totalCapped: false });
    expect(positionText(page.position, page.rows.length)).toBe("Showing 1–5 of 12");
  });

  it("places a later page by counting the rows before its first row, walking forward and back", async () => {
    const second = await list.load({
      limit: 5,
      after: decodeCursor(String((await list.load({ limit: 5 })).nextCursor))!,
    });
    expect(positionText(second.position, second.rows.length)).toBe("Showing 6–10 of 12");
    const third = await list.load({ limit: 5, after: decodeCursor(String(second.nextCursor))! });
    expect(positionText(third.position, third.rows.length)).toBe("Showing 11–12 of 12");
    const back = await list.load({ limit: 5, before: decodeCursor(String(third.prevCursor))! });
    expect(positionText(back.position, back.rows.length)).toBe("Showing 6–10 of 12");
  });

  it("stops counting at the cap and says so", async () => {
    const long = memoryList(COUNT_CAP + 30);
    const first = await long.load({ limit: 10 });
    expect(first.position).toMatchObject({ first: 1, total: COUNT_CAP, totalCapped: true });
    expect(positionText(first.position, 10)).toBe("Showing 1–10 of 10,000+");
    const deep = await long.load({
      limit: 10,
      after: {
        key: `agent ${String(COUNT_CAP + 5).padStart(6, "0")}`,
        id: `id-${String(COUNT_CAP + 5).padStart(6, "0")}`,
      },
    });
    expect(deep.position?.firstCapped).toBe(true);
    expect(positionText(deep.position, deep.rows.length)).toBe("Showing 10 rows of 10,000+");
  });

  it("without a count, says only how many rows the page holds", async () => {
    expect(positionText(undefined, 1)).toBe("1 row on this page");
    expect(positionText(undefined, 50)).toBe("50 rows on this page");
  });
});
