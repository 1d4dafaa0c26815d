import { randomBytes } from "node:crypto";

/**
 * UUIDv7 (RFC 9562): 48-bit millisecond timestamp, then randomness. Ids sort
 * by creation time, which keyset pagination over sessions and audit events
 * relies on. Node 20 has no built-in v7 and the format is twelve lines, so it
 * is written here rather than pulled in as a dependency.
 */
// Randomness drawn 4 KiB at a time: one randomBytes call per id cost more than the rest of the id.
const POOL_SIZE = 4096;
let pool = Buffer.alloc(0);
let offset = POOL_SIZE;

function random16(): Buffer {
  if (offset + 16 > pool.length) {
    pool = randomBytes(POOL_SIZE);
    offset = 0;
  }
  const out = Buffer.from(pool.subarray(offset, offset + 16));
  offset += 16;
  return out;
}

export function timeOrderedId(at: number = Date.now()): string {
  const bytes = random16();
  const ms = BigInt(at);
  for (let i = 0; i < 6; i++) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70; // version 7
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Milliseconds since the epoch encoded in a time-ordered id. */
export function timeOfId(id: string): number {
  return parseInt(id.replace(/-/g, "").slice(0, 12), 16);
}
