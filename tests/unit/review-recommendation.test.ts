import { describe, expect, it } from "vitest";
import { recommend } from "@/lib/reviews/recommendation";

const now = new Date("2026-06-01T00:00:00Z");
const old = new Date("2026-01-01T00:00:00Z");
const base = { principalType: "agent" as const, holderStatus: null, grantedAt: old, now };

describe("review recommendations from usage evidence", () => {
  it("recommends revoking a grant none of whose tools was used in 90 days", () => {
    expect(recommend({ ...base, tools: [{ calls90: 0 }, { calls90: 0 }] })).toEqual({
      decision: "revoke",
      reason: "unused for 90 days",
    });
  });
  it("recommends reducing a partly used grant and certifying a fully used one", () => {
    expect(recommend({ ...base, tools: [{ calls90: 3 }, { calls90: 0 }] })?.decision).toBe("reduce");
    expect(recommend({ ...base, tools: [{ calls90: 3 }, { calls90: 1 }] })?.decision).toBe("certify");
  });
  it("recommends revoking a retired agent's grant whatever its use", () => {
    expect(recommend({ ...base, holderStatus: "retired", tools: [{ calls90: 9 }] })).toEqual({
      decision: "revoke",
      reason: "the agent is retired",
    });
  });
  it("gives no advice on a grant too new to judge, or held by a group", () => {
    expect(recommend({ ...base, grantedAt: new Date("2026-05-01T00:00:00Z"), tools: [{ calls90: 0 }] })).toBeNull();
    expect(recommend({ ...base, principalType: "group", tools: [{ calls90: 0 }] })).toBeNull();
  });
});
