import type Database from "better-sqlite3";
import { insertSqliteAuditRow, sqliteAuditHead } from "@/lib/audit/record-batch-sqlite";
import type { SqliteWriter } from "@/lib/db/sqlite-writer";
import { planBatch, type JtiClaim, type LiveSession, type PendingWrite, type WriteOutcome } from "./mint-batch";

/** Writes a batch in one transaction; each store does it with its own driver. */
export interface MintStore {
  write(items: readonly PendingWrite[]): Promise<WriteOutcome[]>;
}

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
      `SELECT "id", "scopes", "expiresAt", "authTime" FROM "AgentSession" WHERE "agentId" = ? AND "userId" IS ? AND "serverId" = ? AND "status" = 'active' AND "expiresAt" > ? ORDER BY "createdAt" DESC LIMIT 1`,
    ),
    insertSession: s(
      `INSERT INTO "AgentSession" ("id", "agentId", "userId", "serverId", "scopes", "grantType", "authTime", "createdAt", "lastUsedAt", "expiresAt", "reauthDueAt", "status", "risk", "tokenCount", "toolCallCount") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, 0)`,
    ),
    updateSession: s(`UPDATE "AgentSession" SET "scopes" = ?, "lastUsedAt" = ?, "risk" = ?, "tokenCount" = "tokenCount" + ? WHERE "id" = ?`),
    updateSessionAuth: s(`UPDATE "AgentSession" SET "authTime" = ?, "reauthDueAt" = ? WHERE "id" = ?`),
    insertToken: s(
      `INSERT INTO "IssuedToken" ("id", "jti", "kind", "sessionId", "clientId", "audience", "scopes", "issuedAt", "expiresAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
  };
}

/**
 * SQLite: the whole batch is one synchronous BEGIN IMMEDIATE transaction on
 * Prisma's own connection (see lib/db/sqlite-writer.ts), with prepared
 * statements — no ORM, no await between statements.
 */
export function sqliteMintStore(writer: SqliteWriter): MintStore {
  const prepared = new WeakMap<Database.Database, Statements>();
  return {
    write(items) {
      return writer.transaction((conn) => {
        let st = prepared.get(conn);
        if (!st) prepared.set(conn, (st = prepare(conn)));
        const stmts = st;
        const claimFailed = items.map((item): JtiClaim | null => {
          for (const c of item.claims) if (stmts.claim.run(c.key, c.expiresAt.getTime()).changes === 0) return c;
          return null;
        });
        const live = (key: string, now: Date): LiveSession | null => {
          const [agentId, userId, serverId] = key.split("\u0000") as [string, string, string];
          const row = stmts.live.get(agentId, userId || null, serverId, now.getTime()) as { id: string; scopes: string; expiresAt: number; authTime: number | null } | undefined;
          return row ? { id: row.id, scopes: row.scopes, expiresAt: new Date(row.expiresAt), authTime: row.authTime === null ? null : new Date(row.authTime) } : null;
        };
        const head = sqliteAuditHead(conn, "token");
        const rows = planBatch(items, claimFailed, live, head);
        for (const r of rows.newSessions) {
          stmts.insertSession.run(r.id, r.agentId, r.userId, r.serverId, r.scopes, r.grantType, ms(r.authTime), ms(r.createdAt), ms(r.lastUsedAt), ms(r.expiresAt), ms(r.reauthDueAt), r.risk, r.tokenCount);
        }
        for (const u of rows.sessionUpdates) {
          stmts.updateSession.run(u.scopes, ms(u.lastUsedAt), u.risk, u.tokenDelta, u.id);
          if (u.auth) stmts.updateSessionAuth.run(ms(u.auth.authTime), ms(u.auth.reauthDueAt), u.id);
        }
        for (const t of rows.tokens) stmts.insertToken.run(t.id, t.jti, t.kind, t.sessionId, t.clientId, t.audience, t.scopes, ms(t.issuedAt), ms(t.expiresAt));
        for (const e of rows.audit) insertSqliteAuditRow(conn, e);
        return rows.outcomes;
      });
    },
  };
}
