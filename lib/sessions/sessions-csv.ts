import type { Db } from "@/lib/db/client";
import { isoCell, keysetCsv } from "@/lib/exports/keyset-csv";
import { listSessions, type SessionListItem } from "./list-sessions";
import type { SessionFilters } from "./session-filters";

export const SESSIONS_CSV_HEADER = [
  "id",
  "agent_id",
  "agent",
  "on_behalf_of_id",
  "on_behalf_of",
  "on_behalf_of_email",
  "server_id",
  "server",
  "scopes",
  "risk",
  "status",
  "created_at",
  "last_used_at",
  "expires_at",
  "reauth_due_at",
  "revoked_at",
  "tokens",
  "tool_calls",
] as const;

function cells(s: SessionListItem): string[] {
  return [
    s.id,
    s.agent.id,
    s.agent.name,
    s.user?.id ?? "",
    s.user?.displayName ?? "",
    s.user?.email ?? "",
    s.server.id,
    s.server.name,
    s.scopes.join(" "),
    s.risk,
    s.status,
    isoCell(s.createdAt),
    isoCell(s.lastUsedAt),
    isoCell(s.expiresAt),
    isoCell(s.reauthDueAt),
    isoCell(s.revokedAt),
    String(s.tokenCount),
    String(s.toolCallCount),
  ];
}

/** Every session the Sessions page lists for these filters and search, as CSV. */
export function sessionsCsv(db: Db, filters: SessionFilters, q?: string, now = new Date()): ReadableStream<Uint8Array> {
  return keysetCsv(SESSIONS_CSV_HEADER, cells, (request) => listSessions(db, request, filters, now), q);
}
