import type { Db } from "@/lib/db/client";
import { auditStreams } from "./actions";
import { chainHash, GENESIS_HASH } from "./chain";
import { queryStreamWindow } from "./event-query";
import { retentionAnchors } from "./retention";

export interface BrokenLink {
  stream: string;
  seq: number;
  eventId: string;
  problem: "hash_mismatch" | "prev_hash_mismatch" | "sequence_gap" | "unanchored_start";
}

export interface StreamReport {
  stream: string;
  eventsChecked: number;
  /** Sequence number verification started from: 1, or the first event retention kept. */
  fromSeq: number | null;
  headSeq: number | null;
  firstBroken: BrokenLink | null;
}

export interface ChainReport {
  streams: number;
  eventsChecked: number;
  /** The first broken link of the first stream (in name order) that has one. */
  firstBroken: BrokenLink | null;
  perStream: StreamReport[];
}

const PAGE = 5000;

/**
 * Recomputes every stream's hash chain and reports each stream's first broken
 * link: an edited event fails its own hash, a deleted one leaves a sequence
 * gap, and a reordered one no longer matches its predecessor's hash. A chain
 * whose oldest events were removed by retention is verified from its first
 * retained event, which must link to the hash the retention event recorded;
 * a start removed any other way is `unanchored_start`.
 */
export async function verifyAuditChain(db: Db, opts: { stream?: string } = {}): Promise<ChainReport> {
  const streams = opts.stream ? [opts.stream] : auditStreams();
  const anchors = await retentionAnchors(db);
  const perStream: StreamReport[] = [];
  for (const stream of streams) perStream.push(await verifyStream(db, stream, anchors.get(stream) ?? null));
  return {
    streams: perStream.filter((s) => s.eventsChecked > 0).length,
    eventsChecked: perStream.reduce((n, s) => n + s.eventsChecked, 0),
    firstBroken: perStream.find((s) => s.firstBroken)?.firstBroken ?? null,
    perStream,
  };
}

async function verifyStream(
  db: Db,
  stream: string,
  anchor: { throughSeq: number; lastHash: string } | null,
): Promise<StreamReport> {
  const report: StreamReport = { stream, eventsChecked: 0, fromSeq: null, headSeq: null, firstBroken: null };
  let prevHash: string | null = GENESIS_HASH;
  let expectedSeq = 1;
  let afterSeq = 0;
  for (;;) {
    const page = await queryStreamWindow(db, stream, afterSeq, PAGE);
    if (page.length === 0) return report;
    for (const e of page) {
      const at = { stream, seq: e.seq, eventId: e.id };
      const broken = (problem: BrokenLink["problem"]) => ({ ...report, firstBroken: { ...at, problem } });
      if (report.fromSeq === null) {
        report.fromSeq = e.seq;
        if (e.seq !== 1) {
          // Retention removed the start: it must have said so, up to (at least) just before here.
          if (!anchor || anchor.throughSeq < e.seq - 1) return broken("unanchored_start");
          expectedSeq = e.seq;
          prevHash = anchor.throughSeq === e.seq - 1 ? anchor.lastHash : null;
        }
      }
      report.eventsChecked++;
      report.headSeq = e.seq;
      if (e.seq !== expectedSeq) return broken("sequence_gap");
      // prevHash is unknown only inside a range retention was still removing (an interrupted purge).
      if (prevHash !== null && e.prevHash !== prevHash) return broken("prev_hash_mismatch");
      if (chainHash(e.prevHash, e) !== e.hash) return broken("hash_mismatch");
      if (anchor && e.seq === anchor.throughSeq && e.hash !== anchor.lastHash) return broken("hash_mismatch");
      prevHash = e.hash;
      expectedSeq++;
    }
    afterSeq = page[page.length - 1]!.seq;
  }
}
