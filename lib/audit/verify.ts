import type { Db } from "@/lib/db/client";
import { chainHash, GENESIS_HASH } from "./chain";

export interface BrokenLink {
  stream: string;
  seq: number;
  eventId: string;
  problem: "hash_mismatch" | "prev_hash_mismatch" | "sequence_gap";
}

export interface ChainReport {
  streams: number;
  eventsChecked: number;
  firstBroken: BrokenLink | null;
}

const PAGE = 5000;

/**
 * Recomputes every stream's hash chain and reports the first broken link:
 * an edited event fails its own hash, a deleted one leaves a sequence gap,
 * and a reordered one no longer matches its predecessor's hash.
 */
export async function verifyAuditChain(db: Db, opts: { stream?: string } = {}): Promise<ChainReport> {
  const streams = opts.stream
    ? [opts.stream]
    : (await db.auditEvent.findMany({ distinct: ["stream"], select: { stream: true } })).map((s) => s.stream).sort();
  let eventsChecked = 0;
  for (const stream of streams) {
    let prevHash = GENESIS_HASH;
    let expectedSeq = 1;
    let afterSeq = 0;
    for (;;) {
      const page = await db.auditEvent.findMany({
        where: { stream, seq: { gt: afterSeq } },
        orderBy: { seq: "asc" },
        take: PAGE,
      });
      if (page.length === 0) break;
      for (const e of page) {
        eventsChecked++;
        const at = { stream, seq: e.seq, eventId: e.id };
        if (e.seq !== expectedSeq) return { streams: streams.length, eventsChecked, firstBroken: { ...at, problem: "sequence_gap" } };
        if (e.prevHash !== prevHash) return { streams: streams.length, eventsChecked, firstBroken: { ...at, problem: "prev_hash_mismatch" } };
        if (chainHash(prevHash, { ...e, detail: e.detail ?? null }) !== e.hash) {
          return { streams: streams.length, eventsChecked, firstBroken: { ...at, problem: "hash_mismatch" } };
        }
        prevHash = e.hash;
        expectedSeq++;
      }
      afterSeq = page[page.length - 1]!.seq;
    }
  }
  return { streams: streams.length, eventsChecked, firstBroken: null };
}
