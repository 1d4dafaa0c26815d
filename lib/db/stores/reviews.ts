import { providerOf, type Db, type Tx } from "@/lib/db/client";
import { jsonColumnValue, pgTimestamp, placeholders, rawDate, rawNullableString, rawString } from "@/lib/db/raw-values";
import { readPoolOf } from "@/lib/db/read-pool";

/**
 * Access reviews' reads and writes beyond plain Prisma: the point-in-time
 * read of every assignment a campaign covers, usage evidence aggregated from
 * the audit trail, the peers holding an entitlement, and the bulk insert of a
 * campaign's items. Written once with $n placeholders for both stores; rows
 * come back typed.
 */

/** Committed state through the driver's read path when there is one (no ORM decoding); else the transaction's view. */
async function query(db: Db | Tx, sql: string, params: readonly unknown[]): Promise<Record<string, unknown>[]> {
  const [text, values] = placeholders(providerOf(db), sql, params);
  const pool = readPoolOf(db);
  return pool ? pool.query(text, values) : db.$queryRawUnsafe<Record<string, unknown>[]>(text, ...values);
}

/** Through Prisma's raw query (the transaction's view when `db` is one). */
async function rawQuery(db: Db | Tx, sql: string, params: readonly unknown[]): Promise<Record<string, unknown>[]> {
  const [text, values] = placeholders(providerOf(db), sql, params);
  return db.$queryRawUnsafe<Record<string, unknown>[]>(text, ...values);
}

const count = (v: unknown): number =>
  v === null || v === undefined ? 0 : Number(typeof v === "object" ? String(v) : v);

const parameterList = (n: number, from: number) => Array.from({ length: n }, (_, i) => `$${i + from}`).join(", ");

// One statement: a point-in-time read of every live assignment with the
// principal and entitlement columns the snapshot needs (50k rows in one go).
const ASSIGNMENTS_SQL = (filters: string) => `
SELECT a."id" AS "id", a."entitlementId" AS "entitlementId", a."principalType" AS "principalType",
       a."agentId" AS "agentId", a."userId" AS "userId", a."groupId" AS "groupId", a."excludedToolIds" AS "excluded",
       a."justification" AS "justification", a."grantedById" AS "grantedById", a."createdAt" AS "createdAt", a."expiresAt" AS "expiresAt",
       e."name" AS "entitlementName", e."serverId" AS "serverId",
       ag."name" AS "agentName", ag."clientId" AS "clientId", ag."kind" AS "agentKind", ag."ownerId" AS "agentOwnerId",
       u."displayName" AS "userName", u."email" AS "userEmail", u."managerId" AS "userManagerId",
       g."displayName" AS "groupName"
FROM "Assignment" a
JOIN "Entitlement" e ON e."id" = a."entitlementId"
LEFT JOIN "Agent" ag ON ag."id" = a."agentId"
LEFT JOIN "User" u ON u."id" = a."userId"
LEFT JOIN "Group" g ON g."id" = a."groupId"
WHERE a."endedAt" IS NULL AND (a."expiresAt" IS NULL OR a."expiresAt" > $1)${filters}`;

/** Which live assignments to read: each list, when not empty, narrows to its values. */
export interface ReviewAssignmentFilter {
  serverIds: readonly string[];
  agentIds: readonly string[];
  ownerIds: readonly string[];
  entitlementIds: readonly string[];
  principalTypes: readonly string[];
  assignmentIds: readonly string[];
}

/** A live assignment with its principal's and entitlement's columns. */
export interface ReviewAssignmentRow {
  id: string;
  entitlementId: string;
  principalType: "agent" | "user" | "group";
  agentId: string | null;
  userId: string | null;
  groupId: string | null;
  excludedToolIds: Set<string>;
  justification: string;
  grantedById: string | null;
  createdAt: Date | null;
  expiresAt: Date | null;
  entitlementName: string;
  serverId: string;
  agentName: string | null;
  clientId: string | null;
  agentKind: string | null;
  agentOwnerId: string | null;
  userName: string | null;
  userEmail: string | null;
  userManagerId: string | null;
  groupName: string | null;
}

function excludedOf(v: unknown): Set<string> {
  const list = jsonColumnValue(v);
  return new Set(Array.isArray(list) ? list.filter((x): x is string => typeof x === "string") : []);
}

/** The live assignments at `now` that `filter` selects. */
export async function liveAssignmentsForReview(
  db: Db | Tx,
  filter: ReviewAssignmentFilter,
  now: Date,
): Promise<ReviewAssignmentRow[]> {
  const params: unknown[] = [now];
  let filters = "";
  const inList = (column: string, values: readonly string[]) => {
    if (values.length === 0) return;
    const first = params.length + 1;
    params.push(...values);
    filters += ` AND ${column} IN (${parameterList(values.length, first)})`;
  };
  inList(`e."serverId"`, filter.serverIds);
  inList(`a."agentId"`, filter.agentIds);
  inList(`ag."ownerId"`, filter.ownerIds);
  inList(`a."entitlementId"`, filter.entitlementIds);
  inList(`a."principalType"`, filter.principalTypes);
  inList(`a."id"`, filter.assignmentIds);
  const rows = await query(db, ASSIGNMENTS_SQL(filters), params);
  return rows.map((r) => ({
    id: rawString(r.id),
    entitlementId: rawString(r.entitlementId),
    principalType: rawString(r.principalType) as ReviewAssignmentRow["principalType"],
    agentId: rawNullableString(r.agentId),
    userId: rawNullableString(r.userId),
    groupId: rawNullableString(r.groupId),
    excludedToolIds: excludedOf(r.excluded),
    justification: rawString(r.justification),
    grantedById: rawNullableString(r.grantedById),
    createdAt: rawDate(r.createdAt),
    expiresAt: rawDate(r.expiresAt),
    entitlementName: rawString(r.entitlementName),
    serverId: rawString(r.serverId),
    agentName: rawNullableString(r.agentName),
    clientId: rawNullableString(r.clientId),
    agentKind: rawNullableString(r.agentKind),
    agentOwnerId: rawNullableString(r.agentOwnerId),
    userName: rawNullableString(r.userName),
    userEmail: rawNullableString(r.userEmail),
    userManagerId: rawNullableString(r.userManagerId),
    groupName: rawNullableString(r.groupName),
  }));
}

/** Tool calls of one (subject, tool) pair: since `since90`, since `since30`, and the last one. */
export interface ToolCallCount {
  subject: string;
  toolId: string;
  calls30: number;
  calls90: number;
  lastUsedAt: Date | null;
}

const SUBJECT_USAGE_SQL = (column: "actorId" | "onBehalfOfId", n: number) => `
SELECT "${column}" AS "subject", "targetId" AS "toolId", COUNT(*) AS "calls90",
       SUM(CASE WHEN "occurredAt" >= $2 THEN 1 ELSE 0 END) AS "calls30", MAX("occurredAt") AS "lastUsedAt"
FROM "AuditEvent"
WHERE "action" = 'tool.called' AND "occurredAt" >= $1 AND "${column}" IN (${parameterList(n, 3)})
GROUP BY "${column}", "targetId"`;

/** Tool calls per (subject, tool) of these agents (`by: "agent"`, as actor) or people (as the person acted for). */
export async function toolCallsOf(
  db: Db,
  by: "agent" | "person",
  ids: readonly string[],
  since90: Date,
  since30: Date,
): Promise<ToolCallCount[]> {
  if (ids.length === 0) return [];
  const rows = await query(db, SUBJECT_USAGE_SQL(by === "agent" ? "actorId" : "onBehalfOfId", ids.length), [
    since90,
    since30,
    ...ids,
  ]);
  return rows.map((r) => ({
    subject: rawString(r.subject),
    toolId: rawString(r.toolId),
    calls30: count(r.calls30),
    calls90: count(r.calls90),
    lastUsedAt: rawDate(r.lastUsedAt),
  }));
}

// One pass over the window's tool calls, grouped per agent and tool. Served by
// (action, occurredAt) organisation-wide and by (actorId, occurredAt) for one agent.
const AGENT_USAGE_SQL = (oneAgent: boolean) => `
SELECT "actorId" AS "agentId", "targetId" AS "toolId", COUNT(*) AS "calls90",
       SUM(CASE WHEN "occurredAt" >= $2 THEN 1 ELSE 0 END) AS "calls30", MAX("occurredAt") AS "lastUsedAt"
FROM "AuditEvent"
WHERE "action" = 'tool.called' AND "occurredAt" >= $1 AND "occurredAt" <= $3 AND "actorId" IS NOT NULL AND "targetId" IS NOT NULL
${oneAgent ? `AND "actorId" = $4` : ""}
GROUP BY "actorId", "targetId"`;

/** Tool calls per (agent, tool) from `from` to `to` (and since `recentFrom`), of every agent or of one. */
export async function agentToolCalls(
  db: Db | Tx,
  window: { from: Date; recentFrom: Date; to: Date },
  agentId?: string,
): Promise<ToolCallCount[]> {
  const params: unknown[] = [window.from, window.recentFrom, window.to];
  if (agentId) params.push(agentId);
  const rows = await rawQuery(db, AGENT_USAGE_SQL(agentId !== undefined), params);
  return rows.map((r) => ({
    subject: rawString(r.agentId),
    toolId: rawString(r.toolId),
    calls30: count(r.calls30),
    calls90: count(r.calls90),
    lastUsedAt: rawDate(r.lastUsedAt),
  }));
}

const USED_SQL = `SELECT DISTINCT "actorId" AS "agentId", "targetId" AS "toolId" FROM "AuditEvent"
WHERE "action" = 'tool.called' AND "occurredAt" >= $1 AND "occurredAt" <= $2 AND "actorId" IS NOT NULL AND "targetId" IS NOT NULL`;

/** Every (agent, tool) pair with a call between `from` and `to`. */
export async function toolsCalledBetween(db: Db, from: Date, to: Date): Promise<{ agentId: string; toolId: string }[]> {
  return (await rawQuery(db, USED_SQL, [from, to])).map((r) => ({
    agentId: rawString(r.agentId),
    toolId: rawString(r.toolId),
  }));
}

// Other live holders of each entitlement: a count (index-only on (entitlementId, endedAt)) and the first few
// names, each entitlement's sample its own LIMITed branch so no entitlement's whole holder list is read.
const LIVE = `a."endedAt" IS NULL AND (a."expiresAt" IS NULL OR a."expiresAt" > $1)`;
const PEER_COUNT_SQL = (n: number) => `
SELECT a."entitlementId" AS "entitlementId", COUNT(*) AS "total" FROM "Assignment" a
WHERE ${LIVE} AND a."entitlementId" IN (${parameterList(n, 2)})
GROUP BY a."entitlementId"`;
const PEER_SAMPLE_SQL = (n: number) =>
  Array.from(
    { length: n },
    (
      _,
      i,
    ) => `SELECT * FROM (SELECT a."entitlementId" AS "entitlementId", COALESCE(ag."name", u."displayName", g."displayName") AS "label"
  FROM "Assignment" a LEFT JOIN "Agent" ag ON ag."id" = a."agentId" LEFT JOIN "User" u ON u."id" = a."userId" LEFT JOIN "Group" g ON g."id" = a."groupId"
  WHERE a."entitlementId" = $${i + 2} AND ${LIVE} LIMIT 6) s${i}`,
  ).join("\nUNION ALL\n");

/** How many live holders each entitlement has. */
export async function liveHolderCounts(
  db: Db,
  entitlementIds: readonly string[],
  now: Date,
): Promise<{ entitlementId: string; total: number }[]> {
  if (entitlementIds.length === 0) return [];
  const rows = await query(db, PEER_COUNT_SQL(entitlementIds.length), [now, ...entitlementIds]);
  return rows.map((r) => ({ entitlementId: rawString(r.entitlementId), total: count(r.total) }));
}

/** Up to six live holders' names per entitlement. */
export async function liveHolderSamples(
  db: Db,
  entitlementIds: readonly string[],
  now: Date,
): Promise<{ entitlementId: string; label: string }[]> {
  if (entitlementIds.length === 0) return [];
  const rows = await query(db, PEER_SAMPLE_SQL(entitlementIds.length), [now, ...entitlementIds]);
  return rows.flatMap((r) =>
    typeof r.label === "string" ? [{ entitlementId: rawString(r.entitlementId), label: r.label }] : [],
  );
}

/** A review item to insert; the columns left out take their database defaults (pending, level 1, …). */
export interface NewReviewItem {
  id: string;
  campaignId: string;
  assignmentId: string;
  snapshot: object;
  risk: string;
  reviewerId: string | null;
  createdAt: Date;
}

const ROWS_PER_STATEMENT = 500;

/**
 * Multi-row INSERTs, 500 rows a statement: the ORM's createMany costs orders
 * of magnitude more per item, which a campaign over tens of thousands of
 * assignments turns into minutes.
 */
export async function insertReviewItems(tx: Tx, rows: readonly NewReviewItem[]): Promise<void> {
  const pg = providerOf(tx) === "postgresql";
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const slice = rows.slice(i, i + ROWS_PER_STATEMENT);
    const params: unknown[] = [];
    const tuples = slice.map((r) => {
      const n = params.length;
      params.push(
        r.id,
        r.campaignId,
        r.assignmentId,
        JSON.stringify(r.snapshot),
        r.risk,
        r.reviewerId,
        pg ? pgTimestamp(r.createdAt) : r.createdAt.getTime(),
      );
      return pg
        ? `($${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}::jsonb, $${n + 5}::"ToolRisk", $${n + 6}, $${n + 7}::timestamp(3))`
        : `($${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5}, $${n + 6}, $${n + 7})`;
    });
    const [sql, values] = placeholders(
      pg ? "postgresql" : "sqlite",
      `INSERT INTO "ReviewItem" ("id", "campaignId", "assignmentId", "snapshot", "risk", "reviewerId", "createdAt") VALUES ${tuples.join(", ")}`,
      params,
    );
    await tx.$executeRawUnsafe(sql, ...values);
  }
}
