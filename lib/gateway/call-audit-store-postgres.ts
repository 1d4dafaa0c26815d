import { auditStreamsOf, chainAuditBatch, insertPostgresAuditRows, lockAuditStreams } from "@/lib/audit/record-batch-postgres";
import { pgWriter } from "@/lib/db/pg-writer";
import { pgTimestamp } from "@/lib/db/raw-values";
import type { SessionUsage, ToolCallStore } from "./call-audit-store";

const TOUCH_SESSIONS = `
UPDATE "AgentSession" s SET "toolCallCount" = s."toolCallCount" + u.n, "lastUsedAt" = GREATEST(s."lastUsedAt", u.used)
FROM unnest($1::text[], $2::int4[], $3::timestamp(3)[]) AS u(id, n, used)
WHERE s."id" = u.id`;

/** Tool-call batches on node-postgres: the chain append and the session counters in one transaction, on a connection of its own. */
export function postgresToolCallStore(url: string): ToolCallStore {
  // One connection: one flush runs at a time.
  const writer = pgWriter(url, 1);
  return {
    write(inputs, usage: SessionUsage) {
      const locks = lockAuditStreams(auditStreamsOf(inputs));
      return writer.transaction(
        async (client, opened) => {
          await insertPostgresAuditRows(client, chainAuditBatch(inputs, locks.heads(opened)));
          if (usage.size === 0) return;
          const ids = [...usage.keys()];
          await client.query({ name: "mandate-gateway-sessions-touch", text: TOUCH_SESSIONS, values: [ids, ids.map((id) => usage.get(id)!.calls), ids.map((id) => pgTimestamp(usage.get(id)!.lastUsedAt))] });
        },
        { openWith: locks.sql },
      );
    },
  };
}
