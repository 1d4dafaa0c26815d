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
    expect(canonicalJson({ a: undefined, t: new Date("2026-01-01T00:00:00Z") })).toBe('{"t":"2026-01-01T00:00:00.000Z"}');
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
    expect(chainHash(GENESIS_HASH, event({ detail: { after: { name: "Release Captain", kind: "delegated" } } }))).not.toBe(base);
    expect(chainHash("f".repeat(64), event())).not.toBe(base);
  });
});

describe("audit streams", () => {
  it("puts every action on a known stream", () => {
    const streams = new Set(AUDIT_ACTIONS.map(streamOf));
    expect([...streams].sort()).toEqual(["admin", "console", "directory", "gateway", "review", "session", "token"]);
    expect(streamOf("tool.called")).toBe("gateway");
    expect(streamOf("tool.approved")).toBe("admin");
    expect(streamOf("token.minted")).toBe("token");
  });
});
