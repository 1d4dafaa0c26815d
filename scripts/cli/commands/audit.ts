import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { parseArgs } from "node:util";
import { exportAuditEvents, EXPORT_FORMATS, type ExportFormat } from "@/lib/audit/export";
import { parseAuditFilter } from "@/lib/audit/filters";
import { purgeExpiredAuditEvents } from "@/lib/audit/retention";
import { verifyAuditChain } from "@/lib/audit/verify";
import packageJson from "@/package.json";
import { UsageError, type CliIo, type Command } from "../command";
import { openMigratedDatabase } from "../open-database";

const PROBLEM: Record<string, string> = {
  hash_mismatch: "edited: its hash does not match its content",
  prev_hash_mismatch: "reordered or replaced: it does not link to its predecessor",
  sequence_gap: "events before it are missing",
  unanchored_start: "the chain's start was removed without a retention record",
};

async function verify(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, strict: true, options: { stream: { type: "string" } } });
  const opened = await openMigratedDatabase(io);
  if (!opened) return 1;
  try {
    const started = Date.now();
    const report = await verifyAuditChain(opened.db, values.stream ? { stream: values.stream } : {});
    for (const s of report.perStream) {
      if (s.eventsChecked === 0 && !s.firstBroken) continue;
      const range = s.fromSeq === null ? "" : ` #${s.fromSeq}…#${s.headSeq}`;
      io.log(
        s.firstBroken
          ? `✗ ${s.stream}: first broken link at #${s.firstBroken.seq} (event ${s.firstBroken.eventId}) — ${PROBLEM[s.firstBroken.problem]}`
          : `✓ ${s.stream}: ${s.eventsChecked} events${range}${(s.fromSeq ?? 1) > 1 ? " (start removed by retention, anchored)" : ""}`,
      );
    }
    io.log(
      `${report.eventsChecked} events in ${report.streams} streams checked in ${((Date.now() - started) / 1000).toFixed(1)} s on ${opened.label}.`,
    );
    return report.firstBroken ? 1 : 0;
  } finally {
    await opened.db.$disconnect();
  }
}

async function retention(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, strict: true, options: { days: { type: "string" } } });
  const days = values.days === undefined ? undefined : Number(values.days);
  if (days !== undefined && (!Number.isInteger(days) || days < 1))
    throw new UsageError("--days must be a whole number of days ≥ 1");
  const opened = await openMigratedDatabase(io);
  if (!opened) return 1;
  try {
    const result = await purgeExpiredAuditEvents(opened.db, days === undefined ? {} : { retentionDays: days });
    if (result.retentionDays === null)
      io.log("No retention period is set (Settings → Audit retention): every event is kept.");
    else if (result.removed === 0) io.log(`Nothing older than ${result.retentionDays} days to remove.`);
    else {
      for (const s of result.streams)
        io.log(`  ${s.stream}: removed #${s.fromSeq}…#${s.throughSeq} (${s.count} events, up to ${s.lastOccurredAt})`);
      io.log(
        `Removed ${result.removed} events older than ${result.cutoff!.toISOString()}; recorded as event ${result.eventId}.`,
      );
    }
    return 0;
  } finally {
    await opened.db.$disconnect();
  }
}

async function exportEvents(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      format: { type: "string", default: "jsonl" },
      output: { type: "string", short: "o" },
      from: { type: "string" },
      to: { type: "string" },
      actor: { type: "string" },
      target: { type: "string" },
      action: { type: "string" },
      decision: { type: "string" },
      session: { type: "string" },
      q: { type: "string" },
    },
  });
  if (!EXPORT_FORMATS.includes(values.format as ExportFormat))
    throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(", ")}`);
  const opened = await openMigratedDatabase(io);
  if (!opened) return 1;
  const out = values.output ? createWriteStream(values.output) : process.stdout;
  try {
    for await (const chunk of exportAuditEvents(opened.db, parseAuditFilter(values), values.format as ExportFormat, {
      productVersion: packageJson.version,
    })) {
      if (!out.write(chunk)) await once(out, "drain");
    }
    if (values.output) {
      out.end();
      await once(out, "finish");
      io.log(`Wrote ${values.output}.`);
    }
    return 0;
  } finally {
    await opened.db.$disconnect();
  }
}

/** `mandate audit verify | retention | export`: the audit trail's operations outside the console. */
export const auditCommand: Command = {
  name: "audit",
  summary: "verify the audit hash chains, apply retention, or export events",
  usage:
    "verify [--stream S] | retention [--days N] | export [--format jsonl|csv|ocsf] [-o FILE] [--from ISO] [--to ISO] [--actor X] [--target X] [--action A] [--decision D] [--session S] [--q TEXT]",
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub === "verify") return verify(rest, io);
    if (sub === "retention") return retention(rest, io);
    if (sub === "export") return exportEvents(rest, io);
    throw new UsageError(sub ? `unknown audit subcommand "${sub}"` : "audit needs a subcommand");
  },
};
