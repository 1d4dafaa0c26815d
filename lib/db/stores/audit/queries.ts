import { providerOf, type Db } from "@/lib/db/client";
import { placeholders } from "@/lib/db/raw-values";
import { readPoolOf, type ReadPool } from "@/lib/db/read-pool";
import type { AuditFilter } from "@/lib/audit/filters";
import { AUDIT_EVENT_COLUMN_LIST, auditEventFromRow, type AuditEventRow } from "./columns";

/** One audit event, every field, as the views, the export and the API see it. */
export type AuditEventRecord = AuditEventRow;

const SELECT_LIST = AUDIT_EVENT_COLUMN_LIST;

type Provider = "sqlite" | "postgresql";

/** Position in the (occurredAt, id) order: the row a keyset window starts after. */
export interface EventPosition {
  occurredAt: Date;
  id: string;
}

/** SQL text built with PostgreSQL placeholders ($1 …), and its values. */
class SqlBuilder {
  readonly params: unknown[] = [];
  readonly clauses: string[] = [];
  constructor(readonly provider: Provider) {}
  bind(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
  where(): string {
    return this.clauses.length > 0 ? `WHERE ${this.clauses.join(" AND ")}` : "";
  }
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The filter as SQL. Exact matches use the (column, occurredAt) indexes; the
 * text search is a case-insensitive substring match (LIKE on SQLite, ILIKE on
 * PostgreSQL) over labels, action and reason, or an exact id match.
 */
function applyFilter(b: SqlBuilder, f: AuditFilter): void {
  if (f.from) b.clauses.push(`"occurredAt" >= ${b.bind(f.from)}`);
  if (f.to) b.clauses.push(`"occurredAt" < ${b.bind(f.to)}`);
  if (f.actor) {
    const v = b.bind(f.actor);
    b.clauses.push(`("actorId" = ${v} OR "actorLabel" = ${v})`);
  }
  if (f.target) {
    const v = b.bind(f.target);
    b.clauses.push(`("targetId" = ${v} OR "targetLabel" = ${v})`);
  }
  if (f.actions && f.actions.length > 0) {
    const exact = f.actions.filter((a) => !a.endsWith(".*"));
    const areas = f.actions.filter((a) => a.endsWith(".*"));
    const parts: string[] = [];
    if (exact.length > 0) parts.push(`"action" IN (${exact.map((a) => b.bind(a)).join(", ")})`);
    for (const area of areas) parts.push(`"action" LIKE ${b.bind(`${escapeLike(area.slice(0, -1))}%`)} ESCAPE '\\'`);
    b.clauses.push(parts.length === 1 ? parts[0]! : `(${parts.join(" OR ")})`);
  }
  if (f.decision) b.clauses.push(`"decision" = ${b.bind(f.decision)}`);
  if (f.session) b.clauses.push(`"sessionId" = ${b.bind(f.session)}`);
  // The subject column names it on every event written since it existed; actor and target also find older events.
  if (f.agent) {
    const v = b.bind(f.agent);
    b.clauses.push(`("agentId" = ${v} OR "actorId" = ${v} OR "targetId" = ${v})`);
  }
  if (f.person) {
    const v = b.bind(f.person);
    b.clauses.push(`("personId" = ${v} OR "actorId" = ${v} OR "targetId" = ${v})`);
  }
  if (f.server) {
    const v = b.bind(f.server);
    b.clauses.push(`("serverId" = ${v} OR "targetId" = ${v})`);
  }
  if (f.q) {
    const like = b.bind(`%${escapeLike(f.q)}%`);
    const exact = b.bind(f.q);
    const op = b.provider === "postgresql" ? "ILIKE" : "LIKE";
    const fuzzy = ["action", "actorLabel", "targetLabel", "reason"].map((c) => `"${c}" ${op} ${like} ESCAPE '\\'`);
    const ids = ["actorId", "targetId", "sessionId", "requestId", "clientAddress", "id"].map(
      (c) => `"${c}" = ${exact}`,
    );
    b.clauses.push(`(${[...fuzzy, ...ids].join(" OR ")})`);
  }
}

/** The driver's read path (no ORM decoding: exports read millions of rows); Prisma's raw query where there is none. */
function poolOf(db: Db): ReadPool {
  return readPoolOf(db) ?? { query: (sql, params) => db.$queryRawUnsafe<Record<string, unknown>[]>(sql, ...params) };
}

const toRecord = auditEventFromRow;

/**
 * One window of matching events in (occurredAt, id) order, starting strictly
 * after `after` — an index seek whatever the trail's length. Reads committed
 * state through the driver (no ORM decoding: exports read millions of rows).
 */
export async function queryAuditEvents(
  db: Db,
  filter: AuditFilter,
  window: { order: "asc" | "desc"; after: EventPosition | null; limit: number },
): Promise<AuditEventRecord[]> {
  const provider = providerOf(db);
  const b = new SqlBuilder(provider);
  applyFilter(b, filter);
  applyWindow(b, window);
  const dir = window.order === "desc" ? "DESC" : "ASC";
  const sql = `SELECT ${SELECT_LIST} FROM "AuditEvent" ${b.where()} ORDER BY "occurredAt" ${dir}, "id" ${dir} LIMIT ${b.bind(window.limit)}`;
  const [text, params] = placeholders(provider, sql, b.params);
  return (await poolOf(db).query(text, params)).map(toRecord);
}

function applyWindow(b: SqlBuilder, window: { order: "asc" | "desc"; after: EventPosition | null }): void {
  if (!window.after) return;
  const at = b.bind(window.after.occurredAt);
  const id = b.bind(window.after.id);
  const cmp = window.order === "desc" ? "<" : ">";
  // The first bound is implied by the second; it is there so the planner seeks the (occurredAt, id) index to
  // the position instead of walking it from the end and filtering (each export batch would re-read every row
  // before it: quadratic in the export's length).
  b.clauses.push(`"occurredAt" ${cmp}= ${at}`);
  b.clauses.push(`("occurredAt" ${cmp} ${at} OR ("occurredAt" = ${at} AND "id" ${cmp} ${id}))`);
}

/**
 * How many events of a window match, counting at most `limit` (the timeline's
 * "Showing 51–100 of 312"): the inner LIMIT stops the index walk there.
 */
export async function countAuditEventsWindow(
  db: Db,
  filter: AuditFilter,
  window: { order: "asc" | "desc"; after: EventPosition | null; limit: number },
): Promise<number> {
  const provider = providerOf(db);
  const b = new SqlBuilder(provider);
  applyFilter(b, filter);
  applyWindow(b, window);
  const inner = `SELECT 1 FROM "AuditEvent" ${b.where()} LIMIT ${b.bind(window.limit)}`;
  const [text, params] = placeholders(provider, `SELECT COUNT(*) AS n FROM (${inner}) AS w`, b.params);
  const rows = await poolOf(db).query(text, params);
  return Number(rows[0]?.n ?? 0);
}

/** How many events match (the export's progress total). */
export async function countAuditEvents(db: Db, filter: AuditFilter): Promise<number> {
  const provider = providerOf(db);
  const b = new SqlBuilder(provider);
  applyFilter(b, filter);
  const [text, params] = placeholders(provider, `SELECT COUNT(*) AS n FROM "AuditEvent" ${b.where()}`, b.params);
  const rows = await poolOf(db).query(text, params);
  return Number(rows[0]?.n ?? 0);
}

/** One event by id, or null. */
export async function findAuditEvent(db: Db, id: string): Promise<AuditEventRecord | null> {
  const provider = providerOf(db);
  const [text, params] = placeholders(provider, `SELECT ${SELECT_LIST} FROM "AuditEvent" WHERE "id" = $1`, [id]);
  const rows = await poolOf(db).query(text, params);
  return rows[0] ? toRecord(rows[0]) : null;
}

/** One stream's events after a sequence number, in chain order (verification). */
export async function queryStreamWindow(
  db: Db,
  stream: string,
  afterSeq: number,
  limit: number,
): Promise<AuditEventRecord[]> {
  const provider = providerOf(db);
  const [text, params] = placeholders(
    provider,
    `SELECT ${SELECT_LIST} FROM "AuditEvent" WHERE "stream" = $1 AND "seq" > $2 ORDER BY "seq" ASC LIMIT $3`,
    [stream, afterSeq, limit],
  );
  return (await poolOf(db).query(text, params)).map(toRecord);
}

/** Mints, tool calls and denials per time bucket of `bucketMs` (bucket start in epoch ms → count), and the most frequent denial reasons. */
export async function auditActivityCounts(
  db: Db,
  range: { from: Date; to: Date },
  bucketMs: number,
): Promise<{
  mints: Map<number, number>;
  toolCalls: Map<number, number>;
  denials: Map<number, number>;
  reasons: { reason: string; count: number }[];
}> {
  const provider = providerOf(db);
  const pool = poolOf(db);
  // Bucket start in epoch ms: SQLite stores integer ms; PostgreSQL a UTC timestamp.
  const epochMs = provider === "sqlite" ? `"occurredAt"` : `(EXTRACT(EPOCH FROM "occurredAt") * 1000)::bigint`;
  // better-sqlite3 binds JS numbers as REAL: cast, or the division is not an integer one.
  const size = provider === "sqlite" ? "CAST($3 AS INTEGER)" : "$3::bigint";
  const bucket = `((${epochMs} / ${size}) * ${size})`;

  const series = async (where: string, extra: unknown[]) => {
    const [sql, params] = placeholders(
      provider,
      `SELECT ${bucket} AS b, COUNT(*) AS n FROM "AuditEvent" WHERE ${where} AND "occurredAt" >= $1 AND "occurredAt" < $2 GROUP BY b`,
      [range.from, range.to, bucketMs, ...extra],
    );
    const rows = await pool.query(sql, params);
    return new Map(rows.map((r) => [Number(r.b), Number(r.n)]));
  };
  const [mints, toolCalls, denials] = await Promise.all([
    series(`"action" = $4`, ["token.minted"]),
    series(`"action" = $4`, ["tool.called"]),
    series(`"decision" = $4`, ["deny"]),
  ]);
  const [reasonSql, reasonParams] = placeholders(
    provider,
    `SELECT COALESCE("reason", '(no reason given)') AS reason, COUNT(*) AS n FROM "AuditEvent"
     WHERE "decision" = 'deny' AND "occurredAt" >= $1 AND "occurredAt" < $2
     GROUP BY COALESCE("reason", '(no reason given)') ORDER BY n DESC LIMIT 8`,
    [range.from, range.to],
  );
  const reasons = (await pool.query(reasonSql, reasonParams)).map((r) => ({
    reason: String(r.reason),
    count: Number(r.n),
  }));
  return { mints, toolCalls, denials, reasons };
}

/** Planning reads go through the driver's read path (committed state; dates bound the same way on both stores). */
async function one(db: Db, sql: string, params: unknown[]): Promise<Record<string, unknown> | undefined> {
  const [text, values] = placeholders(providerOf(db), sql, params);
  return (await poolOf(db).query(text, values))[0];
}

/**
 * A stream's first and last sequence numbers, and the first one at or after
 * `cutoff` (null: none) — walking the chain from its start until the first
 * event inside the period: cost ∝ what precedes it. Null for an empty stream.
 */
export async function streamSpan(
  db: Db,
  stream: string,
  cutoff: Date,
): Promise<{ oldestSeq: number; headSeq: number; firstSeqFrom: number | null } | null> {
  const oldest = await one(db, `SELECT "seq" FROM "AuditEvent" WHERE "stream" = $1 ORDER BY "seq" ASC LIMIT 1`, [
    stream,
  ]);
  if (!oldest) return null;
  const head = await one(db, `SELECT "seq" FROM "AuditEvent" WHERE "stream" = $1 ORDER BY "seq" DESC LIMIT 1`, [
    stream,
  ]);
  const young = await one(
    db,
    `SELECT "seq" FROM "AuditEvent" WHERE "stream" = $1 AND "occurredAt" >= $2 ORDER BY "seq" ASC LIMIT 1`,
    [stream, cutoff],
  );
  return { oldestSeq: Number(oldest.seq), headSeq: Number(head!.seq), firstSeqFrom: young ? Number(young.seq) : null };
}

/**
 * Deletes one stream's events `fromSeq`..`throughSeq`. The trail is append-only: on PostgreSQL a trigger refuses
 * deletes unless the transaction says it is the retention purge.
 */
export async function deleteStreamRange(db: Db, stream: string, fromSeq: number, throughSeq: number): Promise<void> {
  const provider = providerOf(db);
  const [sql, values] = placeholders(
    provider,
    `DELETE FROM "AuditEvent" WHERE "stream" = $1 AND "seq" >= $2 AND "seq" <= $3`,
    [stream, fromSeq, throughSeq],
  );
  if (provider === "postgresql") {
    await db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe("SET LOCAL mandate.audit_purge = 'on'");
      await tx.$executeRawUnsafe(sql, ...values);
    });
  } else {
    await db.$executeRawUnsafe(sql, ...values);
  }
}
