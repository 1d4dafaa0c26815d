import type { SessionListItem } from "@/lib/sessions/list-sessions";

type DateKeys = "createdAt" | "lastUsedAt" | "expiresAt" | "reauthDueAt" | "revokedAt";

/** A session as the browser receives it (from the page or the JSON API): dates as ISO strings. */
export type SessionRow = Omit<SessionListItem, DateKeys> & {
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  reauthDueAt: string | null;
  revokedAt: string | null;
};

export function toSessionRow(s: SessionListItem): SessionRow {
  return {
    ...s,
    createdAt: s.createdAt.toISOString(),
    lastUsedAt: s.lastUsedAt.toISOString(),
    expiresAt: s.expiresAt.toISOString(),
    reauthDueAt: s.reauthDueAt?.toISOString() ?? null,
    revokedAt: s.revokedAt?.toISOString() ?? null,
  };
}
