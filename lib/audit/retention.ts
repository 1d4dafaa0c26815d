import { z } from "zod";
import type { Db, Tx } from "@/lib/db/client";
import { deleteStreamRange, streamSpan } from "@/lib/db/stores/audit/queries";
import { lockForTransaction } from "@/lib/db/stores/transaction-lock";
import { auditStreams } from "./actions";
import { recordAudit } from "./record";

/**
 * Retention: events older than the configured period are removed, oldest
 * first, a whole prefix of each stream's chain at a time, and the removal is
 * itself an audit event. That event records, per stream, the last removed
 * sequence number and its hash (the "anchor"), so verification starts from
 * the retained head of each chain and still catches any other gap.
 *
 * On PostgreSQL the table refuses DELETE unless the transaction declares
 * itself this job (`SET LOCAL mandate.audit_purge = 'on'`, see the
 * audit_immutable migration). Deletes run in (stream, seq) ranges through the
 * unique index, in batches, so a purge never holds one huge transaction.
 */
export const RETENTION_SETTING_KEY = "audit.retention_days";
export const MAX_RETENTION_DAYS = 36_500;

export const retentionDaysSchema = z.number().int().min(1).max(MAX_RETENTION_DAYS).nullable();

export interface StreamAnchor {
  throughSeq: number;
  lastHash: string;
}

export interface StreamPurge extends StreamAnchor {
  stream: string;
  fromSeq: number;
  count: number;
  lastOccurredAt: string;
}

export interface PurgeResult {
  cutoff: Date | null;
  retentionDays: number | null;
  removed: number;
  streams: StreamPurge[];
  eventId: string | null;
}

const purgeDetailSchema = z.object({
  anchors: z.record(z.string(), z.object({ throughSeq: z.number().int(), lastHash: z.string() })).default({}),
});

/** The retention period in days, or null to keep every event. Settings → Audit, else MANDATE_AUDIT_RETENTION_DAYS. */
export async function auditRetentionDays(
  db: Db,
  env: Record<string, string | undefined> = process.env,
): Promise<number | null> {
  const row = await db.setting.findUnique({ where: { key: RETENTION_SETTING_KEY } });
  if (row) {
    const parsed = retentionDaysSchema.safeParse(row.value);
    return parsed.success ? parsed.data : null;
  }
  const fromEnv = Number(env.MANDATE_AUDIT_RETENTION_DAYS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? Math.min(fromEnv, MAX_RETENTION_DAYS) : null;
}

/** Changes the retention period; the change is audited with before/after in the same transaction. */
export async function setAuditRetentionDays(
  db: Db,
  days: number | null,
  actor: { actorType: "user" | "apikey" | "system"; actorId?: string | null; actorLabel?: string | null },
): Promise<void> {
  const value = retentionDaysSchema.parse(days);
  const before = await auditRetentionDays(db);
  await db.$transaction(async (tx) => {
    await tx.setting.upsert({
      where: { key: RETENTION_SETTING_KEY },
      create: { key: RETENTION_SETTING_KEY, value: value as never },
      update: { value: value as never },
    });
    await recordAudit(tx, {
      action: "audit.retention_changed",
      ...actor,
      targetType: "setting",
      targetId: RETENTION_SETTING_KEY,
      targetLabel: "Audit retention",
      decision: "allow",
      reason: "Console change",
      detail: { before: { retentionDays: before }, after: { retentionDays: value } },
    });
  });
}

/** Anchors of every stream as the newest retention event recorded them (cumulative). */
export async function retentionAnchors(db: Db | Tx): Promise<Map<string, StreamAnchor>> {
  const events = await db.auditEvent.findMany({
    where: { action: "audit.retention_purged" },
    orderBy: { occurredAt: "asc" },
    select: { detail: true },
  });
  const anchors = new Map<string, StreamAnchor>();
  for (const e of events) {
    const parsed = purgeDetailSchema.safeParse(e.detail);
    if (!parsed.success) continue;
    for (const [stream, a] of Object.entries(parsed.data.anchors)) {
      const known = anchors.get(stream);
      if (!known || a.throughSeq > known.throughSeq) anchors.set(stream, a);
    }
  }
  return anchors;
}

/** What a purge at `cutoff` would remove from one stream: a prefix of its chain, never its head. */
async function planStream(
  db: Db,
  stream: string,
  cutoff: Date,
): Promise<Omit<StreamPurge, "count" | "lastOccurredAt" | "lastHash"> | null> {
  // Walks the chain from its start until the first event inside the period: cost ∝ what is removed.
  const span = await streamSpan(db, stream, cutoff);
  if (!span) return null;
  const fromSeq = span.oldestSeq;
  // The head stays: the next append links to it, so the chain never restarts from genesis.
  const throughSeq = Math.min(span.firstSeqFrom !== null ? span.firstSeqFrom - 1 : span.headSeq, span.headSeq - 1);
  return throughSeq >= fromSeq ? { stream, fromSeq, throughSeq } : null;
}

/**
 * Removes the events older than the retention period (or `retentionDays`),
 * recording first — in the admin stream — what is about to go, so that a job
 * interrupted half-way still leaves every gap explained. Does nothing, and
 * records nothing, when there is nothing to remove.
 */
export async function purgeExpiredAuditEvents(
  db: Db,
  opts: { now?: Date; retentionDays?: number | null; batchSize?: number } = {},
): Promise<PurgeResult> {
  const retentionDays = opts.retentionDays === undefined ? await auditRetentionDays(db) : opts.retentionDays;
  if (retentionDays === null) return { cutoff: null, retentionDays, removed: 0, streams: [], eventId: null };
  const now = opts.now ?? new Date();
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  const batchSize = opts.batchSize ?? 10_000;

  const plans: StreamPurge[] = [];
  for (const stream of auditStreams()) {
    const plan = await planStream(db, stream, cutoff);
    if (!plan) continue;
    const last = await db.auditEvent.findUnique({
      where: { stream_seq: { stream, seq: plan.throughSeq } },
      select: { hash: true, occurredAt: true },
    });
    if (!last) continue;
    plans.push({
      ...plan,
      count: plan.throughSeq - plan.fromSeq + 1,
      lastHash: last.hash,
      lastOccurredAt: last.occurredAt.toISOString(),
    });
  }
  if (plans.length === 0) return { cutoff, retentionDays, removed: 0, streams: [], eventId: null };

  // Several instances run this job: the record is written under one lock, and a range another instance has
  // already recorded is not recorded again (its rows are still deleted below: deleting twice removes nothing).
  const recorded = await db.$transaction(async (tx) => {
    await lockForTransaction(tx, "audit:retention");
    const known = await retentionAnchors(tx);
    const fresh = plans.flatMap((p) => {
      const fromSeq = Math.max(p.fromSeq, (known.get(p.stream)?.throughSeq ?? 0) + 1);
      return fromSeq <= p.throughSeq ? [{ ...p, fromSeq, count: p.throughSeq - fromSeq + 1 }] : [];
    });
    if (fresh.length === 0) return null;
    const anchors = Object.fromEntries(known);
    for (const p of fresh) anchors[p.stream] = { throughSeq: p.throughSeq, lastHash: p.lastHash };
    const removed = fresh.reduce((n, p) => n + p.count, 0);
    const event = await recordAudit(tx, {
      action: "audit.retention_purged",
      actorType: "system",
      actorLabel: "audit retention job",
      targetType: "audit_trail",
      targetLabel: "Audit trail",
      decision: "info",
      reason: `Events older than ${retentionDays} days (before ${cutoff.toISOString()})`,
      detail: { retentionDays, cutoff: cutoff.toISOString(), removed, streams: fresh, anchors },
    });
    return { event, removed, streams: fresh };
  });

  for (const p of plans) {
    for (let from = p.fromSeq; from <= p.throughSeq; from += batchSize) {
      const through = Math.min(from + batchSize - 1, p.throughSeq);
      await deleteStreamRange(db, p.stream, from, through);
    }
  }
  return recorded
    ? { cutoff, retentionDays, removed: recorded.removed, streams: recorded.streams, eventId: recorded.event.id }
    : { cutoff, retentionDays, removed: 0, streams: [], eventId: null };
}
