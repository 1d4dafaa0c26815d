import type Database from "better-sqlite3";
import { insertSqliteAuditRow, sqliteAuditHead } from "@/lib/db/stores/audit/sqlite";
import { sqliteJob } from "@/lib/db/sqlite-write-thread";
import type { SqliteWriter } from "@/lib/db/sqlite-writer";
import {
  planBatch,
  type JtiClaim,
  type LiveSession,
  type PendingWrite,
  type WriteOutcome,
} from "@/lib/tokens/mint-batch";
import type { MintStore } from "./index";

const ms = (d: Date | null) => (d === null ? null : d.getTime());

interface Statements {
  claim: Database.Statement;
  live: Database.Statement;
  insertSession: Database.Statement;
  updateSession: Database.Statement;
  updateSessionAuth: Database.Statement;
  insertToken: Database.Statement;
}

function prepare(conn: Database.Database): Statements {
  const s = (sql: string) => conn.prepare(sql).safeIntegers(false);
  return {
    claim: s(`INSERT OR IGNORE INTO "SeenJti" ("key", "expiresAt") VALUES (?, ?)`),
    live: s(
      `SELECT "id", "scopes", "toolIds", "expiresAt", "authTime" FROM "AgentSession" WHERE "agentId" = ? AND "userId" IS ? AND "serverId" = ? AND "status" = 'active' AND "expiresAt" > ? ORDER BY "createdAt" DESC LIMIT 1`,
    ),
    insertSession: s(
      `INSERT INTO "AgentSession" ("id", "agentId", "userId", "serverId", "scopes", "toolIds", "grantType", "authTime", "createdAt", "lastUsedAt", "expiresAt", "reauthDueAt", "status", "risk", "tokenCount", "toolCallCount") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, 0)`,
    ),
    updateSession: s(
      `UPDATE "AgentSession" SET "scopes" = ?, "toolIds" = ?, "lastUsedAt" = ?, "risk" = ?, "tokenCount" = "tokenCount" + ? WHERE "id" = ?`,
    ),
    updateSessionAuth: s(`UPDATE "AgentSession" SET "authTime" = ?, "reauthDueAt" = ? WHERE "id" = ?`),
    insertToken: s(
      `INSERT INTO "IssuedToken" ("id", "jti", "kind", "sessionId", "clientId", "audience", "scopes", "issuedAt", "expiresAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
  };
}

/**
 * SQLite: the whole batch is one BEGIN IMMEDIATE transaction on the store's
 * write thread (lib/db/sqlite-write-thread.ts), with prepared statements —
 * no ORM, no await between statements, and the commit's wait for the disk
 * off the server's thread.
 */
export function sqliteMintStore(writer: SqliteWriter): MintStore {
  return { write: (items) => writer.run(writeMintBatchJob, items) };
}

const prepared = new WeakMap<Database.Database, Statements>();

/** The job itself, run on the write thread inside the transaction. */
export function writeMintBatch(conn: Database.Database, items: readonly PendingWrite[]): WriteOutcome[] {
  let stmts = prepared.get(conn);
  if (!stmts) prepared.set(conn, (stmts = prepare(conn)));
  const st = stmts;
  const claimFailed = items.map((item): JtiClaim | null => {
    for (const c of item.claims) if (st.claim.run(c.key, c.expiresAt.getTime()).changes === 0) return c;
    return null;
  });
  const live = (key: string, now: Date): LiveSession | null => {
    const [agentId, userId, serverId] = key.split("\u0000") as [string, string, string];
    const row = st.live.get(agentId, userId || null, serverId, now.getTime()) as
      | { id: string; scopes: string; toolIds: string; expiresAt: number; authTime: number | null }
      | undefined;
    return row
      ? {
          id: row.id,
          scopes: row.scopes,
          toolIds: row.toolIds,
          expiresAt: new Date(row.expiresAt),
          authTime: row.authTime === null ? null : new Date(row.authTime),
        }
      : null;
  };
  const head = sqliteAuditHead(conn, "token");
  const rows = planBatch(items, claimFailed, live, head);
  for (const r of rows.newSessions) {
    st.insertSession.run(
      r.id,
      r.agentId,
      r.userId,
      r.serverId,
      r.scopes,
      r.toolIds,
      r.grantType,
      ms(r.authTime),
      ms(r.createdAt),
      ms(r.lastUsedAt),
      ms(r.expiresAt),
      ms(r.reauthDueAt),
      r.risk,
      r.tokenCount,
    );
  }
  for (const u of rows.sessionUpdates) {
    st.updateSession.run(u.scopes, u.toolIds, ms(u.lastUsedAt), u.risk, u.tokenDelta, u.id);
    if (u.auth) st.updateSessionAuth.run(ms(u.auth.authTime), ms(u.auth.reauthDueAt), u.id);
  }
  for (const t of rows.tokens)
    st.insertToken.run(
      t.id,
      t.jti,
      t.kind,
      t.sessionId,
      t.clientId,
      t.audience,
      t.scopes,
      ms(t.issuedAt),
      ms(t.expiresAt),
    );
  for (const e of rows.audit) insertSqliteAuditRow(conn, e);
  return rows.outcomes;
}

export const writeMintBatchJob = sqliteJob<readonly PendingWrite[], WriteOutcome[]>(import.meta.url, "writeMintBatch");
