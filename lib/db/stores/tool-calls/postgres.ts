import type { AuditInput, RecordedAuditEvent } from "@/lib/audit/record";
import { auditStreamsOf, chainAuditBatch } from "@/lib/audit/record-batch";
import {
  insertPostgresAuditRows,
  lockAuditStreams,
  pgAuditInsertParameter,
  pgAuditInsertSql,
} from "@/lib/db/stores/audit/postgres";
import { pgTransactionLockExpression } from "@/lib/db/stores/transaction-lock";
import { pgWriter, type PgWriter } from "@/lib/db/pg-writer";
import { pgTimestamp, shiftParameters } from "@/lib/db/raw-values";
import type { SessionUsage, ToolCallStore } from "./index";

/** Adds each session's calls and moves its last use forward (lastUsedAt only moves forward), from usageParameters' three arrays. */
const TOUCH_SESSIONS = `
UPDATE "AgentSession" s SET "toolCallCount" = s."toolCallCount" + u.n, "lastUsedAt" = GREATEST(s."lastUsedAt", u.used)
FROM unnest($1::text[], $2::int4[], $3::timestamp(3)[]) AS u(id, n, used)
WHERE s."id" = u.id`;

/**
 * A batch chained onto the head this writer last appended, in one statement
 * and one round trip (no BEGIN, head read or COMMIT): the stream's lock, the
 * insert and the session counters. The insert happens only if that head is
 * still in the trail ($3–$5), and the (stream, seq) unique index refuses it
 * if anyone appended after it since — so the events link onto the true
 * predecessor or are not written at all. Taking the lock keeps the statement
 * from racing a writer that read the head under it (recordAudit, another
 * instance's locked batch): such a writer never sees its own insert fail.
 */
const APPEND_AFTER_KNOWN_HEAD = `
WITH stream_lock AS MATERIALIZED (SELECT ${pgTransactionLockExpression("$2")} AS held),
appended AS (${pgAuditInsertSql({
  join: "CROSS JOIN stream_lock",
  where: `EXISTS (SELECT 1 FROM "AuditEvent" h WHERE h."stream" = $3 AND h."seq" = $4 AND h."hash" = $5)`,
})}
  RETURNING 1),
touched AS (${shiftParameters(TOUCH_SESSIONS, 5)} AND EXISTS (SELECT 1 FROM appended))
SELECT count(*)::int AS appended FROM appended`;

const UNIQUE_VIOLATION = "23505";

function usageParameters(usage: SessionUsage): unknown[] {
  const ids = [...usage.keys()];
  return [ids, ids.map((id) => usage.get(id)!.calls), ids.map((id) => pgTimestamp(usage.get(id)!.lastUsedAt))];
}

/**
 * Appends `inputs` (all on `head.stream`) after `head` with APPEND_AFTER_KNOWN_HEAD.
 * Returns the events written, or null when the trail has moved on from that head (nothing was written).
 */
export async function appendAfterHead(
  writer: PgWriter,
  inputs: readonly AuditInput[],
  head: { stream: string; seq: number; hash: string },
  usage: SessionUsage,
): Promise<RecordedAuditEvent[] | null> {
  const events = chainAuditBatch(inputs, new Map([[head.stream, { seq: head.seq, hash: head.hash }]]));
  try {
    const result = await writer.query<{ appended: number }>({
      name: "mandate-gateway-append-after-head",
      text: APPEND_AFTER_KNOWN_HEAD,
      values: [
        pgAuditInsertParameter(events),
        `audit:${head.stream}`,
        head.stream,
        head.seq,
        head.hash,
        ...usageParameters(usage),
      ],
    });
    return result.rows[0]?.appended === events.length ? events : null;
  } catch (e) {
    if ((e as { code?: unknown }).code === UNIQUE_VIOLATION) return null;
    throw e;
  }
}

/**
 * Tool-call batches on node-postgres, on a connection of its own (one flush
 * runs at a time). The first batch, and any batch after another writer
 * appended to the stream, takes the stream's lock and reads its head in a
 * transaction; the batches after it chain onto the head this writer wrote
 * (APPEND_AFTER_KNOWN_HEAD). On a busy gateway that is one round trip per
 * batch instead of four, which is most of the CPU an appended event costs the
 * process (the token endpoint's, when they share it).
 */
export function postgresToolCallStore(url: string): ToolCallStore {
  const writer = pgWriter(url, 1);
  /** The last event this store appended, per stream. */
  const heads = new Map<string, { seq: number; hash: string }>();

  const remember = (events: readonly RecordedAuditEvent[]) => {
    for (const e of events) heads.set(e.stream, { seq: e.seq, hash: e.hash });
  };

  async function appendUnderLock(inputs: readonly AuditInput[], usage: SessionUsage): Promise<void> {
    const locks = lockAuditStreams(auditStreamsOf(inputs));
    const events = await writer.transaction(
      async (client, opened) => {
        const chained = chainAuditBatch(inputs, locks.heads(opened));
        await insertPostgresAuditRows(client, chained);
        if (usage.size > 0)
          await client.query({
            name: "mandate-gateway-sessions-touch",
            text: TOUCH_SESSIONS,
            values: usageParameters(usage),
          });
        return chained;
      },
      { openWith: locks.sql },
    );
    remember(events);
  }

  return {
    async write(inputs, usage) {
      if (inputs.length === 0) return;
      const streams = auditStreamsOf(inputs);
      const only = streams.length === 1 ? streams[0]! : null;
      try {
        const head = only ? heads.get(only) : undefined;
        const appended = head ? await appendAfterHead(writer, inputs, { stream: only!, ...head }, usage) : null;
        if (appended) return remember(appended);
        await appendUnderLock(inputs, usage);
      } catch (e) {
        // After a failure nothing is assumed about the trail: the next batch reads the head again.
        heads.clear();
        throw e;
      }
    },
  };
}
