import { createHash } from "node:crypto";

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
}

/** JSON with object keys sorted, so the same detail always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * hash = sha256(prevHash ‖ canonical event). Editing any covered field, or
 * deleting or reordering events, breaks the link to the next event.
 */
export function chainHash(prevHash: string, e: ChainedFields): string {
  const body = canonicalJson([
    e.id,
    e.occurredAt.toISOString(),
    e.stream,
    e.seq,
    e.actorType,
    e.actorId,
    e.actorLabel,
    e.onBehalfOfId,
    e.action,
    e.targetType,
    e.targetId,
    e.targetLabel,
    e.decision,
    e.reason,
    e.sessionId,
    e.requestId,
    e.clientAddress,
    e.detail ?? null,
  ]);
  return createHash("sha256").update(prevHash).update("\n").update(body).digest("hex");
}
