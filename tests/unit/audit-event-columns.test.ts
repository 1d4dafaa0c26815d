import { describe, expect, it } from "vitest";
import { GENESIS_HASH } from "@/lib/audit/chain";
import { chainAuditEvent } from "@/lib/audit/record";
import { AuditEventScalarFieldEnum as PostgresFields } from "@/lib/db/generated/postgresql/internal/prismaNamespace";
import { AuditEventScalarFieldEnum as SqliteFields } from "@/lib/db/generated/sqlite/internal/prismaNamespace";
import {
  AUDIT_EVENT_COLUMN_NAMES,
  auditEventFromRow,
  pgAuditRowsParameter,
  pgAuditRowsSelect,
  sqliteAuditValues,
} from "@/lib/db/stores/audit/columns";

const event = chainAuditEvent(
  {
    action: "tool.called",
    actorType: "agent",
    actorId: "ag_1",
    actorLabel: "Release Captain",
    targetType: "tool",
    targetId: "t_1",
    decision: "allow",
    sessionId: "s_1",
    detail: { server: "srv_1", n: 2 },
    occurredAt: new Date("2026-12-07T10:00:00.123Z"),
  },
  null,
);

describe("the audit event column definition", () => {
  it("names every column of the AuditEvent model on both stores, in the table's order", () => {
    expect(AUDIT_EVENT_COLUMN_NAMES).toEqual(Object.keys(SqliteFields));
    expect(AUDIT_EVENT_COLUMN_NAMES).toEqual(Object.keys(PostgresFields));
  });

  it("encodes an event for each store and decodes what either store returns to the same event", () => {
    expect(event.prevHash).toBe(GENESIS_HASH);
    // SQLite: integer milliseconds and JSON text, read back as such.
    const sqlite = sqliteAuditValues(event);
    const sqliteRow = Object.fromEntries(AUDIT_EVENT_COLUMN_NAMES.map((c, i) => [c, sqlite[i]]));
    expect(sqliteRow.occurredAt).toBe(event.occurredAt.getTime());
    expect(sqliteRow.detail).toBe('{"server":"srv_1","n":2}');
    expect(auditEventFromRow(sqliteRow)).toEqual(event);
    // PostgreSQL: one JSON row per event, one SQL expression per column, read back as Date and parsed JSON.
    const [pgRow] = JSON.parse(pgAuditRowsParameter([event])) as unknown[][];
    expect(pgRow).toHaveLength(AUDIT_EVENT_COLUMN_NAMES.length);
    expect(pgAuditRowsSelect().match(/r->>?\d+/g)).toHaveLength(AUDIT_EVENT_COLUMN_NAMES.length);
    const read = Object.fromEntries(
      AUDIT_EVENT_COLUMN_NAMES.map((c, i) => [c, c === "occurredAt" ? new Date(pgRow![i] as string) : pgRow![i]]),
    );
    expect(auditEventFromRow(read)).toEqual(event);
  });
});
