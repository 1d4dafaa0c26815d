import { describe, expect, it } from "vitest";
import { keysetCsv } from "@/lib/exports/keyset-csv";
import { encodeCursor, type KeysetPage, type PageRequest } from "@/lib/pagination/keyset";

type Row = { id: string; name: string };

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

/** Pages of `rows` as a keyset list serves them (cursor = the last row's id). */
function pagesOf(rows: Row[], seen: PageRequest[]) {
  return async (request: PageRequest): Promise<KeysetPage<Row>> => {
    seen.push(request);
    const start = request.after ? rows.findIndex((r) => r.id === request.after?.id) + 1 : 0;
    const page = rows.slice(start, start + request.limit);
    const last = page.at(-1);
    return {
      rows: page,
      prevCursor: null,
      nextCursor: start + request.limit < rows.length && last ? encodeCursor({ key: last.name, id: last.id }) : null,
    };
  };
}

describe("keysetCsv", () => {
  it("writes the header, then every page's rows in order, following the cursors, with CRLF line ends", async () => {
    const rows = Array.from({ length: 450 }, (_, i) => ({ id: `r${i}`, name: `row ${i}` }));
    const seen: PageRequest[] = [];
    const csv = await text(keysetCsv(["id", "name"], (r: Row) => [r.id, r.name], pagesOf(rows, seen), "row"));
    const lines = csv.split("\r\n");
    expect(lines[0]).toBe("id,name");
    expect(lines.slice(1, -1)).toEqual(rows.map((r) => `${r.id},${r.name}`));
    expect(lines.at(-1)).toBe("");
    // Three pages of the list's largest size, each with the search.
    expect(seen.map((r) => [r.limit, r.q, r.after?.id])).toEqual([
      [200, "row", undefined],
      [200, "row", "r199"],
      [200, "row", "r399"],
    ]);
  });

  it("defuses spreadsheet formulas and quotes separators in every cell", async () => {
    const rows = [{ id: '=HYPERLINK("http://x")', name: "Doe, Jane" }];
    const csv = await text(keysetCsv(["id", "name"], (r: Row) => [r.id, r.name], pagesOf(rows, [])));
    expect(csv).toBe('id,name\r\n"\'=HYPERLINK(""http://x"")","Doe, Jane"\r\n');
  });

  it("writes only the header for an empty list", async () => {
    expect(await text(keysetCsv(["id"], (r: Row) => [r.id], pagesOf([], [])))).toBe("id\r\n");
  });
});
