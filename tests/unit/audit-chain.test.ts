import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalJson, chainHash, GENESIS_HASH, type ChainedFields } from "@/lib/audit/chain";
import { streamOf, AUDIT_ACTIONS } from "@/lib/audit/actions";

const event = (over: Partial<ChainedFields> = {}): ChainedFields => ({
  id: "0190f0b0-0000-7000-8000-000000000001",
  occurredAt: new Date("2026-11-27T10:00:00.000Z"),
  stream: "admin",
  seq: 1,
  actorType: "user",
  actorId: "u1",
  actorLabel: "admin@acme.example",
  onBehalfOfId: null,
  action: "agent.registered",
  targetType: "agent",
  targetId: "a1",
  targetLabel: "Release Captain",
  decision: "allow",
  reason: "Console change",
  sessionId: null,
  requestId: "r1",
  clientAddress: "10.0.0.1",
  detail: { after: { name: "Release Captain", kind: "autonomous" } },
  ...over,
});

describe("canonical JSON", () => {
  it("orders object keys so equal details hash equally", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 2], c: null } })).toBe('{"a":{"c":null,"d":[1,2]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });
  it("drops undefined members and renders dates as ISO strings", () => {
    expect(canonicalJson({ a: undefined, t: new Date("2026-01-01T00:00:00Z") })).toBe(
      '{"t":"2026-01-01T00:00:00.000Z"}',
    );
  });
});

describe("chain hash", () => {
  it("is a stable sha256 of the previous hash and the event", () => {
    const h = chainHash(GENESIS_HASH, event());
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(chainHash(GENESIS_HASH, event())).toBe(h);
  });
  it("changes when any covered field or the previous hash changes", () => {
    const base = chainHash(GENESIS_HASH, event());
    expect(chainHash(GENESIS_HASH, event({ reason: "edited" }))).not.toBe(base);
    expect(chainHash(GENESIS_HASH, event({ decision: "deny" }))).not.toBe(base);
    expect(chainHash(GENESIS_HASH, event({ seq: 2 }))).not.toBe(base);
    expect(chainHash(GENESIS_HASH, event({ occurredAt: new Date("2026-11-27T10:00:00.001Z") }))).not.toBe(base);
    expect(
      chainHash(GENESIS_HASH, event({ detail: { after: { name: "Release Captain", kind: "delegated" } } })),
    ).not.toBe(base);
    expect(chainHash("f".repeat(64), event())).not.toBe(base);
    // The subject ids are covered once set; an event without them hashes as before they existed.
    expect(chainHash(GENESIS_HASH, event({ agentId: null, personId: null, serverId: null }))).toBe(base);
    expect(chainHash(GENESIS_HASH, event({ agentId: "ag_1" }))).not.toBe(base);
    expect(chainHash(GENESIS_HASH, event({ agentId: "ag_1" }))).not.toBe(
      chainHash(GENESIS_HASH, event({ serverId: "ag_1" })),
    );
  });
});

describe("audit streams", () => {
  it("puts every action on a known stream", () => {
    const streams = new Set(AUDIT_ACTIONS.map(streamOf));
    expect([...streams].sort()).toEqual([
      "admin",
      "authorization",
      "console",
      "directory",
      "gateway",
      "review",
      "session",
      "token",
    ]);
    expect(streamOf("tool.called")).toBe("gateway");
    expect(streamOf("authorization.code_issued")).toBe("authorization");
    expect(streamOf("tool.approved")).toBe("admin");
    expect(streamOf("token.minted")).toBe("token");
  });
});

/** The chain's hash input as first written (lib/audit/chain.ts before it was tuned): the format must never drift from it. */
function referenceCanonical(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return `[${value.map(referenceCanonical).join(",")}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${referenceCanonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
function referenceHash(prevHash: string, e: ChainedFields): string {
  const body = referenceCanonical([
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

describe("chain hash format", () => {
  it("is byte for byte the format first written, for any detail shape", () => {
    const details: unknown[] = [
      null,
      {
        after: { name: "Ünïcode ✓", kind: "autonomous" },
        before: { n: 1.5, list: [3, "a", null, { z: 1, a: [true, false] }] },
      },
      { b: undefined, a: new Date("2026-01-01T00:00:00Z"), é: "x", A: -0, e: 1e21, q: '"quoted"\n' },
      [1, "two", { three: 3 }],
      "a string detail",
      42,
    ];
    for (const detail of details) {
      for (const over of [{}, { reason: null, actorId: null, requestId: null }, { targetLabel: 'a,b"c' }]) {
        const e = event({ detail, ...over });
        expect(chainHash("a".repeat(64), e)).toBe(referenceHash("a".repeat(64), e));
        expect(canonicalJson(detail)).toBe(referenceCanonical(detail));
      }
    }
  });
});
