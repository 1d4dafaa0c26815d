import type { SessionListItem } from "@/lib/sessions/list-sessions";

/** A session as the browser receives it: dates as ISO strings. */
export type SessionRow = Omit<SessionListItem, "createdAt" | "expiresAt"> & { createdAt: string; expiresAt: string };

export function toSessionRow(session: SessionListItem): SessionRow {
  return { ...session, createdAt: session.createdAt.toISOString(), expiresAt: session.expiresAt.toISOString() };
}
