import { describe, expect, it } from "vitest";
import { RefusalThrottle, type SuppressedRefusals } from "@/lib/oauth/refusal-throttle";

describe("refusal throttle (unauthenticated junk and the audit trail)", () => {
  it("audits the first refusals of an address and error one by one, then one summary per window", () => {
    let now = 0;
    const summaries: SuppressedRefusals[] = [];
    const t = new RefusalThrottle((s) => summaries.push(s), { perWindow: 3, windowMs: 1000, maxKeys: 100 }, () => now);
    const admitted = Array.from({ length: 10 }, () => t.admit("10.0.0.1", "invalid_client"));
    expect(admitted).toEqual([true, true, true, false, false, false, false, false, false, false]);
    // Another address, or another error, has its own allowance.
    expect(t.admit("10.0.0.2", "invalid_client")).toBe(true);
    expect(t.admit("10.0.0.1", "invalid_request")).toBe(true);
    expect(summaries).toEqual([]);
    now = 1000;
    expect(t.admit("10.0.0.1", "invalid_client")).toBe(true);
    expect(summaries).toEqual([{ clientAddress: "10.0.0.1", error: "invalid_client", count: 7, windowSeconds: 1 }]);
  });

  it("shares one counter per error once too many addresses are tracked", () => {
    const summaries: SuppressedRefusals[] = [];
    const t = new RefusalThrottle((s) => summaries.push(s), { perWindow: 1, windowMs: 1000, maxKeys: 2 }, () => 0);
    expect(["a", "b", "c", "d", "e"].map((a) => t.admit(a, "invalid_request"))).toEqual([true, true, true, false, false]);
    t.flush();
    expect(summaries).toEqual([{ clientAddress: null, error: "invalid_request", count: 2, windowSeconds: 0 }]);
  });
});
