import crypto, { createHash } from "node:crypto";

/** prevHash of the first event of every stream. */
export const GENESIS_HASH = "0".repeat(64);

/** The fields an event's hash covers, in the order they are hashed. */
export interface ChainedFields {
  id: string;
  occurredAt: Date;
  stream: string;
  seq: number;
  actorType: string;
  actorId: string | null;
  actorLabel: string | null;
  onBehalfOfId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  targetLabel: string | null;
  decision: string;
  reason: string | null;
  sessionId: string | null;
  requestId: string | null;
  clientAddress: string | null;
  detail: unknown;
  /** The agent, person and MCP server the event concerns (hashed only when one is set: see chainHash). */
  agentId?: string | null;
  personId?: string | null;
  serverId?: string | null;
}

/**
 * JSON with object keys sorted, so the same detail always hashes the same.
 * Written as loops (no entries/filter/map arrays per object): the seed and
 * bulk writers hash millions of events with it.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += (i === 0 ? "" : ",") + canonicalJson(value[i]);
    return `${out}]`;
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  const record = value as Record<string, unknown>;
  // Default sort compares UTF-16 code units, as `a < b` does.
  const keys = Object.keys(record).sort();
  let out = "{";
  let first = true;
  for (const k of keys) {
    const v = record[k];
    if (v === undefined) continue;
    out += `${first ? "" : ","}${JSON.stringify(k)}:${canonicalJson(v)}`;
    first = false;
  }
  return `${out}}`;
}

/** canonicalJson of a scalar field (string, number or null). */
function scalar(v: unknown): string {
  return v === null || v === undefined ? "null" : typeof v === "object" ? canonicalJson(v) : JSON.stringify(v);
}

/**
 * hash = sha256(prevHash ‖ "\n" ‖ canonical event), the canonical event being
 * the canonical JSON array of the covered fields in ChainedFields order.
 * Editing any covered field, or deleting or reordering events, breaks the
 * link to the next event. THE FORMAT IS FIXED: bulk writers and verification
 * depend on it byte for byte.
 *
 * The subject ids (agentId, personId, serverId) came later: an event with at
 * least one of them set appends all three to the array, so events written
 * before them hash as they always did, and setting or clearing one on any
 * event breaks its hash like any other edit.
 */
export function chainHash(prevHash: string, e: ChainedFields): string {
  const body =
    `[${scalar(e.id)},${JSON.stringify(e.occurredAt.toISOString())},${scalar(e.stream)},${scalar(e.seq)},${scalar(e.actorType)},` +
    `${scalar(e.actorId)},${scalar(e.actorLabel)},${scalar(e.onBehalfOfId)},${scalar(e.action)},${scalar(e.targetType)},` +
    `${scalar(e.targetId)},${scalar(e.targetLabel)},${scalar(e.decision)},${scalar(e.reason)},${scalar(e.sessionId)},` +
    `${scalar(e.requestId)},${scalar(e.clientAddress)},${canonicalJson(e.detail ?? null)}` +
    (e.agentId != null || e.personId != null || e.serverId != null
      ? `,${scalar(e.agentId)},${scalar(e.personId)},${scalar(e.serverId)}]`
      : "]");
  return sha256Hex(`${prevHash}\n${body}`);
}

// crypto.hash (Node ≥ 20.12) hashes a string in one call, without a Hash object per event.
const oneShot = (crypto as unknown as { hash?: (algorithm: string, data: string, encoding: "hex") => string }).hash;
function sha256Hex(text: string): string {
  return oneShot ? oneShot("sha256", text, "hex") : createHash("sha256").update(text).digest("hex");
}
