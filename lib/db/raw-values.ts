/**
 * Raw SQL rows differ per store: SQLite returns integer-millisecond
 * timestamps and 0/1 booleans, PostgreSQL Dates and booleans. These
 * normalise a value read from a raw query.
 */
export function rawDate(v: unknown): Date | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v;
  if (typeof v === "number" || typeof v === "bigint") return new Date(Number(v));
  if (typeof v === "string")
    return /^\d+$/.test(v) ? new Date(Number(v)) : new Date(v.endsWith("Z") || /[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`);
  throw new Error(`not a timestamp: ${String(v)}`);
}

export function rawString(v: unknown): string {
  if (typeof v !== "string") throw new Error(`expected a string, got ${typeof v}`);
  return v;
}

export function rawNullableString(v: unknown): string | null {
  return v === null || v === undefined ? null : rawString(v);
}

export function rawInt(v: unknown): number {
  return Number(v);
}

export function rawNullableInt(v: unknown): number | null {
  return v === null || v === undefined ? null : rawInt(v);
}

/** A Date as a PostgreSQL parameter for Prisma's timestamp(3) columns, which hold UTC wall-clock time without a zone. */
export function pgTimestamp(d: Date): string {
  return d.toISOString().replace("Z", "");
}

/** A statement's SQLite text and, for each `?`, which $n it stood for. */
interface SqliteForm {
  text: string;
  order: number[];
}

// Hot statements are the same few texts, run thousands of times a second: rewrite each once.
const sqliteForms = new Map<string, SqliteForm>();

function sqliteForm(sql: string): SqliteForm {
  let form = sqliteForms.get(sql);
  if (!form) {
    const order: number[] = [];
    const text = sql.replace(/\$(\d+)/g, (_, n: string) => {
      order.push(Number(n) - 1);
      return "?";
    });
    form = { text, order };
    // Texts built with a varying number of parameters must not grow this without bound.
    if (sqliteForms.size >= 2000) sqliteForms.clear();
    sqliteForms.set(sql, form);
  }
  return form;
}

/**
 * Writes SQL once with PostgreSQL's numbered placeholders ($1, $2 …) and runs
 * it on either store: for SQLite each $n becomes `?` and its value is repeated
 * in the order of appearance.
 */
export function placeholders(
  provider: "sqlite" | "postgresql",
  sql: string,
  params: readonly unknown[],
): [string, unknown[]] {
  if (provider === "postgresql") return [sql, [...params]];
  const { text, order } = sqliteForm(sql);
  return [text, order.map((i) => params[i])];
}

/** The highest $n placeholder of a statement: how many parameters it binds. */
export function parameterCount(sql: string): number {
  return Math.max(0, ...[...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
}

/** Renumbers a statement's $1… placeholders to start after `offset`, to splice it into a larger statement. */
export function shiftParameters(sql: string, offset: number): string {
  return sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
}

/**
 * A Json column's value from a raw query: SQLite stores Json as TEXT and
 * returns that text, PostgreSQL's driver returns the parsed value.
 */
export function jsonColumnValue(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  return typeof v === "string" ? (JSON.parse(v) as unknown) : v;
}
