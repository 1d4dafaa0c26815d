import { streamOf, type AuditAction } from "@/lib/audit/actions";
import { chainHash, GENESIS_HASH, type ChainedFields } from "@/lib/audit/chain";
import type { BulkWriter } from "@/lib/db/bulk-insert";
import { Random } from "@/scripts/seed/random";
import { T } from "@/scripts/seed/tables";

/**
 * The audit benchmark's data set: `count` events over `days`, in time order,
 * hash-chained per stream exactly as recordAudit chains them, written through
 * the bulk loader (unnest on PostgreSQL, one prepared statement per batch on
 * SQLite). Shaped like a busy deployment: mostly tool calls, then mints and
 * refusals, a few admin changes; ~10 events per agent session.
 */
export interface AuditDataSet {
  count: number;
  from: number;
  to: number;
  sampleActor: string;
  sampleSession: string;
  sampleTarget: string;
}

const MIX: { action: AuditAction; weight: number; decision: "allow" | "deny" | "info" }[] = [
  { action: "tool.called", weight: 70, decision: "allow" },
  { action: "token.minted", weight: 12, decision: "allow" },
  { action: "tool.call_refused", weight: 6, decision: "deny" },
  { action: "token.refused", weight: 3, decision: "deny" },
  { action: "token.introspected", weight: 5, decision: "allow" },
  { action: "session.revoked", weight: 1, decision: "allow" },
  { action: "assignment.created", weight: 1, decision: "allow" },
  { action: "console.sign_in", weight: 2, decision: "allow" },
];
const REFUSALS = [
  "scope not granted",
  "session revoked",
  "tool not approved",
  "assignment expired",
  "rate limited",
  "agent suspended",
];
const TOOLS = Array.from({ length: 150 }, (_, i) => ({
  id: `tool_${i.toString(36).padStart(4, "0")}`,
  name: `tool_${i}`,
}));
const AGENTS = Array.from({ length: 400 }, (_, i) => ({
  id: `agent_${i.toString(36).padStart(4, "0")}`,
  name: `Agent ${i}`,
}));
const PEOPLE = Array.from({ length: 300 }, (_, i) => `person${i}@acme.example`);

export async function writeAuditDataSet(
  writer: BulkWriter,
  opts: { count: number; days: number; now: number; batch?: number; progress?: (done: number) => void },
): Promise<AuditDataSet> {
  const rnd = new Random(2026);
  const batchSize = opts.batch ?? 10_000;
  const from = opts.now - opts.days * 86_400_000;
  const step = (opts.now - from) / opts.count;
  const cumulative: number[] = [];
  let total = 0;
  for (const m of MIX) cumulative.push((total += m.weight));
  const heads = new Map<string, { seq: number; hash: string }>();
  let session = { id: rnd.idAt(from), agent: AGENTS[0]!, left: 10 };
  let rows: Record<string, unknown>[] = [];
  const sample = { actor: "", session: "", target: "" };

  for (let i = 0; i < opts.count; i++) {
    const at = Math.floor(from + i * step);
    if (--session.left <= 0) session = { id: rnd.idAt(at), agent: rnd.pick(AGENTS), left: rnd.int(3, 20) };
    const r = rnd.next() * total;
    let k = 0;
    while (cumulative[k]! < r) k++;
    const m = MIX[k]!;
    const stream = streamOf(m.action);
    const head = heads.get(stream) ?? { seq: 0, hash: GENESIS_HASH };
    const agentEvent = m.action.startsWith("tool.") || m.action.startsWith("token.") || m.action === "session.revoked";
    const tool = rnd.pick(TOOLS);
    const fields: ChainedFields = {
      id: rnd.idAt(at),
      occurredAt: new Date(at),
      stream,
      seq: head.seq + 1,
      actorType: agentEvent ? "agent" : "user",
      actorId: agentEvent ? session.agent.id : null,
      actorLabel: agentEvent ? session.agent.name : rnd.pick(PEOPLE),
      onBehalfOfId: null,
      action: m.action,
      targetType: m.action.startsWith("tool.") ? "tool" : m.action.startsWith("token.") ? "mcp_server" : "session",
      targetId: m.action.startsWith("tool.") ? tool.id : session.id,
      targetLabel: m.action.startsWith("tool.") ? tool.name : null,
      decision: m.decision,
      reason: m.decision === "deny" ? rnd.pick(REFUSALS) : null,
      sessionId: agentEvent ? session.id : null,
      requestId: rnd.hex(8),
      clientAddress: `10.20.${rnd.int(0, 40)}.${rnd.int(1, 254)}`,
      detail: m.action === "tool.called" ? { duration_ms: rnd.int(2, 900), arguments_hash: rnd.hex(8) } : null,
    };
    const hash = chainHash(head.hash, fields);
    heads.set(stream, { seq: fields.seq, hash });
    rows.push({ ...fields, prevHash: head.hash, hash });
    if (i === Math.floor(opts.count / 2))
      Object.assign(sample, { actor: session.agent.id, session: session.id, target: tool.id });
    if (rows.length >= batchSize) {
      await writer.insert("AuditEvent", T.AuditEvent, rows);
      rows = [];
      opts.progress?.(i + 1);
    }
  }
  if (rows.length > 0) await writer.insert("AuditEvent", T.AuditEvent, rows);
  return {
    count: opts.count,
    from,
    to: opts.now,
    sampleActor: sample.actor,
    sampleSession: sample.session,
    sampleTarget: sample.target,
  };
}
