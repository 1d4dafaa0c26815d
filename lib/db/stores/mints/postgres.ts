import pg from "pg";
import { pgWriter } from "@/lib/db/pg-writer";
import { parameterCount, pgTimestamp, shiftParameters } from "@/lib/db/raw-values";
import { lockAuditStreams, pgAuditInsertParameter, pgAuditInsertSql } from "@/lib/db/stores/audit/postgres";
import {
  planBatch,
  sessionKey,
  type JtiClaim,
  type LiveSession,
  type MintRequest,
  type PendingWrite,
} from "@/lib/tokens/mint-batch";
import type { MintStore } from "./index";

const ts = (d: Date | null) => (d === null ? null : pgTimestamp(d));
const epoch = (column: string) => `(EXTRACT(EPOCH FROM ${column}) * 1000)::float8`;

/**
 * The live sessions of a batch's (agent, person, server) keys. Sent without parameters, its values escaped
 * as literals, so that it can run in BEGIN's round trip right after the token stream's lock.
 */
function liveSessionsSql(mints: readonly MintRequest[], now: Date): string {
  const array = (values: string[]) => `ARRAY[${values.map((v) => pg.escapeLiteral(v)).join(", ")}]::text[]`;
  return `
SELECT s."id", s."agentId", s."userId", s."serverId", s."scopes", s."toolIds", ${epoch(`s."expiresAt"`)} AS "expiresAt", ${epoch(`s."authTime"`)} AS "authTime"
FROM unnest(${array(mints.map((m) => m.agent.id))}, ${array(mints.map((m) => m.user?.id ?? ""))}, ${array(mints.map((m) => m.decision.server.id))}) AS k("agentId", "userId", "serverId")
JOIN "AgentSession" s ON s."agentId" = k."agentId" AND s."serverId" = k."serverId" AND s."userId" IS NOT DISTINCT FROM NULLIF(k."userId", '')
WHERE s."status" = 'active' AND s."expiresAt" > ${pg.escapeLiteral(ts(now)!)}::timestamp(3)
ORDER BY s."createdAt" DESC`;
}

const INSERT_SESSIONS = `
INSERT INTO "AgentSession" ("id", "agentId", "userId", "serverId", "scopes", "toolIds", "grantType", "authTime", "createdAt", "lastUsedAt", "expiresAt", "reauthDueAt", "status", "risk", "tokenCount", "toolCallCount")
SELECT u.id, u.agent, u.usr, u.srv, u.scopes, u.tools, u.grant, u.auth, u.created, u.used, u.expires, u.reauth, 'active', u.risk::"ToolRisk", u.n, 0
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamp(3)[], $9::timestamp(3)[], $10::timestamp(3)[], $11::timestamp(3)[], $12::timestamp(3)[], $13::text[], $14::int4[])
  AS u(id, agent, usr, srv, scopes, tools, "grant", auth, created, used, expires, reauth, risk, n)`;

const UPDATE_SESSIONS = `
UPDATE "AgentSession" s SET "scopes" = u.scopes, "toolIds" = u.tools, "lastUsedAt" = u.used, "risk" = u.risk::"ToolRisk", "tokenCount" = s."tokenCount" + u.n,
  "authTime" = CASE WHEN u.auth_moved THEN u.auth ELSE s."authTime" END, "reauthDueAt" = CASE WHEN u.auth_moved THEN u.reauth ELSE s."reauthDueAt" END
FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamp(3)[], $5::text[], $6::int4[], $7::bool[], $8::timestamp(3)[], $9::timestamp(3)[])
  AS u(id, scopes, tools, used, risk, n, auth_moved, auth, reauth)
WHERE s."id" = u.id`;

const INSERT_TOKENS = `
INSERT INTO "IssuedToken" ("id", "jti", "kind", "sessionId", "clientId", "audience", "scopes", "issuedAt", "expiresAt")
SELECT u.id, u.jti, u.kind::"TokenKind", u.sid, u.cid, u.aud, u.scopes, u.iat, u.exp
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamp(3)[], $9::timestamp(3)[])
  AS u(id, jti, kind, sid, cid, aud, scopes, iat, exp)`;

/**
 * A batch's sessions (new and extended), tokens and audit events as one statement of data-modifying CTEs: the
 * tokens' foreign keys are checked at the end of the statement, so a token may belong to a session inserted beside it.
 */
const WRITE_BATCH = (() => {
  const [sessions, extended, tokens, events] = [INSERT_SESSIONS, UPDATE_SESSIONS, INSERT_TOKENS, pgAuditInsertSql()];
  let offset = 0;
  // Each part's parameters follow the previous parts' (14 + 9 + 9 + 1 in all, in the order write() binds them).
  const next = (sql: string) => {
    const text = shiftParameters(sql, offset);
    offset += parameterCount(sql);
    return text;
  };
  return `
WITH new_sessions AS (${next(sessions)}),
extended_sessions AS (${next(extended)}),
tokens AS (${next(tokens)}),
events AS (${next(events)})
SELECT 1`;
})();

/**
 * PostgreSQL: one transaction per batch on a connection of its own — BEGIN
 * with the lock and the reads, the claims, one statement writing every table
 * (WRITE_BATCH), COMMIT — under
 * the token stream's advisory lock — the lock `recordAudit` takes, so the chain head and live sessions cannot move underneath.
 */
export function postgresMintStore(url: string): MintStore {
  const writer = pgWriter(url, 2);
  const locks = lockAuditStreams(["token"]);
  return {
    write(items) {
      // Live sessions of every mint in the batch (those whose claim then fails included: harmless), read
      // in BEGIN's round trip after the token stream's lock, so neither the chain head nor the live sessions
      // can move underneath.
      const mints = items.flatMap((it) => (it.type === "mint" ? [it.mint] : []));
      const earliest = mints.length > 0 ? new Date(Math.min(...mints.map((m) => m.now.getTime()))) : null;
      const openWith = earliest ? `${locks.sql}; ${liveSessionsSql(mints, earliest)}` : locks.sql;
      return writer.transaction(
        async (client, opened) => {
          const head = locks.heads(opened.slice(0, 2)).get("token") ?? null;
          const live = new Map<string, LiveSession[]>();
          for (const r of (earliest ? opened[2]!.rows : []) as {
            id: string;
            agentId: string;
            userId: string | null;
            serverId: string;
            scopes: string;
            toolIds: string;
            expiresAt: number;
            authTime: number | null;
          }[]) {
            const key = sessionKey(r.agentId, r.userId, r.serverId);
            const list = live.get(key) ?? [];
            if (!list.some((s) => s.id === r.id))
              list.push({
                id: r.id,
                scopes: r.scopes,
                toolIds: r.toolIds,
                expiresAt: new Date(r.expiresAt),
                authTime: r.authTime === null ? null : new Date(r.authTime),
              });
            live.set(key, list);
          }
          const claimFailed = await claim(client, items);
          const rows = planBatch(
            items,
            claimFailed,
            (key, now) => live.get(key)?.find((s) => s.expiresAt > now) ?? null,
            head,
          );

          // Every row of the batch in one statement and one round trip (empty arrays write nothing).
          const ns = rows.newSessions;
          const us = rows.sessionUpdates;
          const tk = rows.tokens;
          await client.query({
            name: "mandate-mint-write",
            text: WRITE_BATCH,
            values: [
              ns.map((r) => r.id),
              ns.map((r) => r.agentId),
              ns.map((r) => r.userId),
              ns.map((r) => r.serverId),
              ns.map((r) => r.scopes),
              ns.map((r) => r.toolIds),
              ns.map((r) => r.grantType),
              ns.map((r) => ts(r.authTime)),
              ns.map((r) => ts(r.createdAt)),
              ns.map((r) => ts(r.lastUsedAt)),
              ns.map((r) => ts(r.expiresAt)),
              ns.map((r) => ts(r.reauthDueAt)),
              ns.map((r) => r.risk),
              ns.map((r) => r.tokenCount),
              us.map((u) => u.id),
              us.map((u) => u.scopes),
              us.map((u) => u.toolIds),
              us.map((u) => ts(u.lastUsedAt)),
              us.map((u) => u.risk),
              us.map((u) => u.tokenDelta),
              us.map((u) => u.auth !== null),
              us.map((u) => ts(u.auth?.authTime ?? null)),
              us.map((u) => ts(u.auth?.reauthDueAt ?? null)),
              tk.map((t) => t.id),
              tk.map((t) => t.jti),
              tk.map((t) => t.kind),
              tk.map((t) => t.sessionId),
              tk.map((t) => t.clientId),
              tk.map((t) => t.audience),
              tk.map((t) => t.scopes),
              tk.map((t) => ts(t.issuedAt)),
              tk.map((t) => ts(t.expiresAt)),
              pgAuditInsertParameter(rows.audit),
            ],
          });
          return rows.outcomes;
        },
        { openWith },
      );
    },
  };
}

/**
 * Records every request's claims in order, one statement per claim position:
 * a request whose first claim was seen before does not consume its second.
 * A key claimed twice within the batch is won by the earlier request.
 */
async function claim(client: pg.PoolClient, items: readonly PendingWrite[]): Promise<(JtiClaim | null)[]> {
  const failed: (JtiClaim | null)[] = items.map(() => null);
  const rounds = Math.max(0, ...items.map((i) => i.claims.length));
  const taken = new Set<string>();
  for (let round = 0; round < rounds; round++) {
    const batch: { index: number; claim: JtiClaim }[] = [];
    items.forEach((item, index) => {
      const c = item.claims[round];
      if (!c || failed[index]) return;
      if (taken.has(c.key)) failed[index] = c;
      else {
        taken.add(c.key);
        batch.push({ index, claim: c });
      }
    });
    if (batch.length === 0) continue;
    const res = await client.query({
      name: "mandate-mint-claims",
      text: `INSERT INTO "SeenJti" ("key", "expiresAt") SELECT * FROM unnest($1::text[], $2::timestamp(3)[]) ON CONFLICT DO NOTHING RETURNING "key"`,
      values: [batch.map((b) => b.claim.key), batch.map((b) => ts(b.claim.expiresAt))],
    });
    const inserted = new Set((res.rows as { key: string }[]).map((r) => r.key));
    for (const b of batch) if (!inserted.has(b.claim.key)) failed[b.index] = b.claim;
  }
  return failed;
}
