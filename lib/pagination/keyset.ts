import { z } from "zod";

/**
 * Keyset ("seek") pagination shared by every console list.
 *
 * OFFSET pagination reads and throws away every skipped row, so page 20,000 of
 * a million-row audit trail would scan a million rows. A keyset page instead
 * starts right after the last row seen — an index seek on (sort key, id) — so
 * every page costs the same. The position travels as an opaque cursor: the
 * base64url of the boundary row's sort key and id.
 *
 *   ?cursor=<c>  the page after row c (Next)
 *   ?before=<c>  the page before row c (Previous)
 *   ?q=<text>    search text
 *   ?limit=<n>   page size (default 50, at most 200)
 */

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;
const MAX_SEARCH_LENGTH = 200;

/** A sort key as it travels in a cursor: strings as-is, dates as epoch milliseconds. */
export type CursorKey = string | number;
export type Cursor = { key: CursorKey; id: string };

/** What a Next.js page receives as `searchParams` (after awaiting it). */
export type SearchParamsRecord = Record<string, string | string[] | undefined>;

export type PageRequest = {
  /** Search text, trimmed; undefined when absent or blank. */
  q?: string;
  limit: number;
  /** Show the rows after this one (mutually exclusive with `before`; `before` wins). */
  after?: Cursor;
  /** Show the rows before this one. */
  before?: Cursor;
};

export type KeysetPage<Row> = {
  rows: Row[];
  /** Cursor for the following page; null on the last page. */
  nextCursor: string | null;
  /** Cursor for the preceding page; null on the first page. */
  prevCursor: string | null;
  /** Where the page sits in the whole list ("Showing 51–100 of 312"), when the list can count. */
  position?: PagePosition;
};

/**
 * Counts stop at this many rows: a count is a walk over the matching index
 * entries, so an uncapped one would make a page of a million-row list cost a
 * million rows again. Past it the console says "10,000+".
 */
export const COUNT_CAP = 10_000;

export type PagePosition = {
  /** 1-based index of the page's first row in the list. */
  first: number;
  /** Rows in the list (with the page's search and filters). */
  total: number;
  /** The count reached COUNT_CAP: `first` and `total` are lower bounds. */
  firstCapped: boolean;
  totalCapped: boolean;
};

/**
 * Counts a list's rows for a window, at most `take` of them: with no cursor,
 * the whole list; going backward from a cursor, the rows before it.
 */
export type CountWindow = (window: KeysetWindow) => Promise<number>;

/** Which way a query walks from its cursor, relative to the list's natural order. */
export type KeysetDirection = "forward" | "backward";

/** What a list's query needs to fetch one window of rows. */
export type KeysetWindow = {
  direction: KeysetDirection;
  /** Start strictly after this row (in `direction`); null for the first page. */
  cursor: Cursor | null;
  /** Rows to fetch: one more than the page size, to learn whether another page exists. */
  take: number;
};

const cursorPayloadSchema = z.object({
  k: z.union([z.string().max(1000), z.number().finite()]),
  id: z.string().min(1).max(200),
});

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify({ k: cursor.key, id: cursor.id }), "utf8").toString("base64url");
}

/** Returns null for anything that is not a cursor this module made: a bad link shows the first page, not an error. */
export function decodeCursor(encoded: string): Cursor | null {
  try {
    const payload = cursorPayloadSchema.safeParse(JSON.parse(Buffer.from(encoded, "base64url").toString("utf8")));
    return payload.success ? { key: payload.data.k, id: payload.data.id } : null;
  } catch {
    return null;
  }
}

/** Search params repeat when a link is hand-edited (`?q=a&q=b`): the first one counts. */
function firstValue(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}

const optionalCursor = z.preprocess(
  firstValue,
  z
    .string()
    .max(2000)
    .optional()
    .transform((value) => (value ? (decodeCursor(value) ?? undefined) : undefined))
    .catch(undefined),
);

export const pageRequestSchema = z.object({
  q: z.preprocess(
    firstValue,
    z
      .string()
      .optional()
      .transform((value) => value?.trim().slice(0, MAX_SEARCH_LENGTH) || undefined)
      .catch(undefined),
  ),
  limit: z.preprocess(
    firstValue,
    z.coerce
      .number()
      .int()
      .positive()
      .transform((value) => Math.min(value, MAX_PAGE_SIZE))
      .default(DEFAULT_PAGE_SIZE)
      .catch(DEFAULT_PAGE_SIZE),
  ),
  cursor: optionalCursor,
  before: optionalCursor,
});

/** Validates a page's search params; invalid values fall back to defaults rather than failing the page. */
export function parsePageRequest(searchParams: SearchParamsRecord): PageRequest {
  const parsed = pageRequestSchema.parse(searchParams);
  const request: PageRequest = { limit: parsed.limit };
  if (parsed.q) request.q = parsed.q;
  if (parsed.before) request.before = parsed.before;
  else if (parsed.cursor) request.after = parsed.cursor;
  return request;
}

/** Flips a list's natural order when walking backward. */
export function orderFor(natural: "asc" | "desc", direction: KeysetDirection): "asc" | "desc" {
  if (direction === "forward") return natural;
  return natural === "asc" ? "desc" : "asc";
}

/** A Prisma comparison selecting the rows past a boundary value in the walking order. */
export function pastBoundary<Value>(
  natural: "asc" | "desc",
  direction: KeysetDirection,
  value: Value,
): { gt: Value } | { lt: Value } {
  return orderFor(natural, direction) === "asc" ? { gt: value } : { lt: value };
}

/** Reads a cursor's key as a string sort key, or null when the cursor came from another list. */
export function stringKeyOf(cursor: Cursor | null): { key: string; id: string } | null {
  return cursor && typeof cursor.key === "string" ? { key: cursor.key, id: cursor.id } : null;
}

/** Reads a cursor's key as a date sort key, or null when the cursor came from another list. */
export function dateKeyOf(cursor: Cursor | null): { key: Date; id: string } | null {
  return cursor && typeof cursor.key === "number" ? { key: new Date(cursor.key), id: cursor.id } : null;
}

/**
 * Runs a list's query for the requested window and turns the result into a page
 * with Next/Previous cursors. `fetchWindow` returns rows in walking order
 * (reversed when going backward); `keyOf` gives a row's sort key and id.
 */
export async function loadKeysetPage<Row>(
  request: PageRequest,
  keyOf: (row: Row) => Cursor,
  fetchWindow: (window: KeysetWindow) => Promise<Row[]>,
  countWindow?: CountWindow,
): Promise<KeysetPage<Row>> {
  if (!countWindow) return loadPage(request, keyOf, fetchWindow);
  // The total does not depend on the page: count it while the page loads.
  const [page, total] = await Promise.all([
    loadPage(request, keyOf, fetchWindow),
    countWindow({ direction: "forward", cursor: null, take: COUNT_CAP }),
  ]);
  const firstRow = page.rows[0];
  const before =
    page.prevCursor !== null && firstRow !== undefined
      ? await countWindow({ direction: "backward", cursor: keyOf(firstRow), take: COUNT_CAP })
      : 0;
  return {
    ...page,
    position: {
      first: before + 1,
      // Rows written between the two counts must not make the page end past the total (a capped total stays the cap).
      total: total >= COUNT_CAP ? total : Math.max(total, before + page.rows.length),
      firstCapped: before >= COUNT_CAP,
      totalCapped: total >= COUNT_CAP,
    },
  };
}

async function loadPage<Row>(
  request: PageRequest,
  keyOf: (row: Row) => Cursor,
  fetchWindow: (window: KeysetWindow) => Promise<Row[]>,
): Promise<KeysetPage<Row>> {
  const take = request.limit + 1;

  if (request.before) {
    const fetched = await fetchWindow({ direction: "backward", cursor: request.before, take });
    // Fewer rows than a page before the cursor means we reached the start: show a full first page instead of a short one.
    if (fetched.length > request.limit) {
      const rows = fetched.slice(0, request.limit).reverse();
      return {
        rows,
        prevCursor: encodeBoundary(rows[0], keyOf),
        nextCursor: encodeBoundary(rows.at(-1), keyOf),
      };
    }
    return firstPage(request, keyOf, fetchWindow);
  }

  if (!request.after) return firstPage(request, keyOf, fetchWindow);

  const fetched = await fetchWindow({ direction: "forward", cursor: request.after, take });
  // Nothing after the cursor (the rows behind it were deleted, or the link is stale): start over rather than show a dead end.
  if (fetched.length === 0) return firstPage(request, keyOf, fetchWindow);
  const rows = fetched.slice(0, request.limit);
  return {
    rows,
    prevCursor: encodeBoundary(rows[0], keyOf),
    nextCursor: fetched.length > request.limit ? encodeBoundary(rows.at(-1), keyOf) : null,
  };
}

async function firstPage<Row>(
  request: PageRequest,
  keyOf: (row: Row) => Cursor,
  fetchWindow: (window: KeysetWindow) => Promise<Row[]>,
): Promise<KeysetPage<Row>> {
  const fetched = await fetchWindow({ direction: "forward", cursor: null, take: request.limit + 1 });
  const rows = fetched.slice(0, request.limit);
  return {
    rows,
    prevCursor: null,
    nextCursor: fetched.length > request.limit ? encodeBoundary(rows.at(-1), keyOf) : null,
  };
}

function encodeBoundary<Row>(row: Row | undefined, keyOf: (row: Row) => Cursor): string | null {
  return row === undefined ? null : encodeCursor(keyOf(row));
}

type Comparison<Value> = { gt: Value } | { lt: Value };
type InclusiveComparison<Value> = { gte: Value } | { lte: Value };

/**
 * The Prisma `where` fragment for rows past a (key, id) boundary and the
 * matching `orderBy`, for a list ordered by one field and then by id — the
 * part every keyset list shares. `past` is `{}` on the first page.
 */
export function keysetBy<Field extends string, Value>(
  field: Field,
  natural: "asc" | "desc",
  direction: KeysetDirection,
  boundary: { key: Value; id: string } | null,
): {
  past:
    | {
        AND: [
          Record<Field, InclusiveComparison<Value>>,
          { OR: [Record<Field, Comparison<Value>>, Record<Field, Value> & { id: Comparison<string> }] },
        ];
      }
    | Record<string, never>;
  orderBy: [Record<Field, "asc" | "desc">, { id: "asc" | "desc" }];
} {
  const order = orderFor(natural, direction);
  const orderBy = [{ [field]: order } as Record<Field, "asc" | "desc">, { id: order }] as [
    Record<Field, "asc" | "desc">,
    { id: "asc" | "desc" },
  ];
  if (!boundary) return { past: {}, orderBy };
  const past = pastBoundary(natural, direction, boundary.key);
  return {
    past: {
      AND: [
        // Implied by the OR below; it lets the database seek the (field, id) index to the boundary rather than
        // walk it from the start and filter, which makes a deep page cost as much as every page before it.
        { [field]: "gt" in past ? { gte: boundary.key } : { lte: boundary.key } } as Record<
          Field,
          InclusiveComparison<Value>
        >,
        {
          OR: [
            { [field]: past } as Record<Field, Comparison<Value>>,
            { [field]: boundary.key, id: pastBoundary(natural, direction, boundary.id) } as Record<Field, Value> & {
              id: Comparison<string>;
            },
          ],
        },
      ],
    },
    orderBy,
  };
}

/** What a server-paged table needs from a page: its neighbours' cursors, its position and its size. */
export function pageNavigation<Row>(page: KeysetPage<Row>, request: PageRequest) {
  return { nextCursor: page.nextCursor, prevCursor: page.prevCursor, position: page.position, pageSize: request.limit };
}
