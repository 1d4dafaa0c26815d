import type { Db } from "@/lib/db/client";

export interface SyncEvent {
  id: string;
  action: string;
  occurredAt: Date;
  actorLabel: string | null;
  targetLabel: string | null;
  reason: string | null;
}

export interface SyncStatus {
  people: { active: number; inactive: number; provisionedByScim: number };
  groups: number;
  /** Newest directory change (any source), null when the directory never changed. */
  lastEvent: SyncEvent | null;
  /** When a SCIM client last authenticated (to the minute). */
  lastScimRequestAt: Date | null;
  activeTokens: number;
  /** Refused SCIM requests in the last 24 hours, and the most recent ones. */
  errorsLastDay: number;
  recentErrors: SyncEvent[];
}

const eventSelect = {
  id: true,
  action: true,
  occurredAt: true,
  actorLabel: true,
  targetLabel: true,
  reason: true,
} as const;

/** What the Directory page shows about provisioning: counts, the last change, and what the SCIM endpoint refused. */
export async function syncStatus(db: Db, now = new Date()): Promise<SyncStatus> {
  const dayAgo = new Date(now.getTime() - 86_400_000);
  const [active, inactive, scim, groups, lastEvent, lastUsed, activeTokens, errorsLastDay, recentErrors] =
    await Promise.all([
      db.user.count({ where: { deletedAt: null, active: true } }),
      db.user.count({ where: { deletedAt: null, active: false } }),
      db.user.count({ where: { deletedAt: null, source: "scim" } }),
      db.group.count({ where: { deletedAt: null } }),
      db.auditEvent.findFirst({
        where: { stream: "directory", action: { not: "directory.scim_refused" } },
        orderBy: { seq: "desc" },
        select: eventSelect,
      }),
      db.scimToken.aggregate({ _max: { lastUsedAt: true } }),
      db.scimToken.count({ where: { revokedAt: null } }),
      db.auditEvent.count({ where: { action: "directory.scim_refused", occurredAt: { gte: dayAgo } } }),
      db.auditEvent.findMany({
        where: { action: "directory.scim_refused" },
        orderBy: { occurredAt: "desc" },
        take: 5,
        select: eventSelect,
      }),
    ]);
  return {
    people: { active, inactive, provisionedByScim: scim },
    groups,
    lastEvent,
    lastScimRequestAt: lastUsed._max.lastUsedAt,
    activeTokens,
    errorsLastDay,
    recentErrors,
  };
}
