import { decodeCursor, type KeysetPage, MAX_PAGE_SIZE, type PageRequest } from "@/lib/pagination/keyset";
import { csvRow } from "@/lib/utils/csv";

/** An export stops here: a spreadsheet of more rows than this is better served by the API, filtered. */
export const MAX_EXPORT_ROWS = 100_000;

const encoder = new TextEncoder();

/**
 * A list as a CSV file, streamed a keyset page at a time through the same
 * query its console page uses, so the file holds what the page shows across
 * every page (same filters, same search, same order) in bounded memory. Every
 * cell goes through `csvRow`, which defuses spreadsheet formulas.
 */
export function keysetCsv<Row>(
  header: readonly string[],
  cellsOf: (row: Row) => string[],
  load: (request: PageRequest) => Promise<KeysetPage<Row>>,
  q?: string,
): ReadableStream<Uint8Array> {
  let request: PageRequest | null = { limit: MAX_PAGE_SIZE, ...(q ? { q } : {}) };
  let written = 0;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`${csvRow(header)}\r\n`));
    },
    async pull(controller) {
      if (!request) return;
      const page = await load(request);
      const rows = page.rows.slice(0, MAX_EXPORT_ROWS - written);
      written += rows.length;
      if (rows.length) controller.enqueue(encoder.encode(rows.map((row) => `${csvRow(cellsOf(row))}\r\n`).join("")));
      const after = page.nextCursor ? decodeCursor(page.nextCursor) : null;
      if (!after || written >= MAX_EXPORT_ROWS) {
        request = null;
        controller.close();
        return;
      }
      request = { ...request, after };
    },
  });
}

/** ISO 8601 in UTC, or empty. */
export const isoCell = (date: Date | null | undefined): string => (date ? date.toISOString() : "");
