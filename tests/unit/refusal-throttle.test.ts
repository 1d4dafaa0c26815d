import { describe, expect, it } from "vitest";
import { RefusalThrottle, type SuppressedRefusals } from "@/lib/oauth/refusal-throttle";
import { SecretAttempts } from "@/lib/oauth/secret-attempts";

describe("refusal throttle (unauthenticated junk and the audit trail)", () => {
  it("audits the first refusals of an address and error one by one, then one summary per window", () => {
    let now = 0;
    const summaries: SuppressedRefusals[] = [];
    const t = new RefusalThrottle(
      (s) => void summaries.push(s),
      { perWindow: 3, windowMs: 1000, maxKeys: 100 },
      () => now,
    );
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
    const t = new RefusalThrottle(
      (s) => void summaries.push(s),
      { perWindow: 1, windowMs: 1000, maxKeys: 2 },
      () => 0,
    );
    expect(["a", "b", "c", "d", "e"].map((a) => t.admit(a, "invalid_request"))).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
    t.flush();
    expect(summaries).toEqual([{ clientAddress: null, error: "invalid_request", count: 2, windowSeconds: 0 }]);
  });

  it("counts refusals naming a known client per client, and flush waits for the summaries to be written", async () => {
    const written: SuppressedRefusals<{ id: string }>[] = [];
    const t = new RefusalThrottle<{ id: string }>(
      (s) => new Promise<void>((r) => setTimeout(() => (written.push(s), r()), 5)),
      { perWindow: 2, windowMs: 1000, maxKeys: 100 },
      () => 0,
    );
    expect([1, 2, 3, 4].map(() => t.admit("10.0.0.1", "invalid_client", "agent-a", { id: "a" }))).toEqual([
      true,
      true,
      false,
      false,
    ]);
    // Another client named from the same address has its own allowance.
    expect(t.admit("10.0.0.1", "invalid_client", "agent-b", { id: "b" })).toBe(true);
    await t.flush();
    expect(written).toEqual([
      {
        clientAddress: "10.0.0.1",
        error: "invalid_client",
        count: 2,
        windowSeconds: 0,
        subject: "agent-a",
        about: { id: "a" },
      },
    ]);
  });
});

describe("client secret attempts", () => {
  it("stops checking a client's secret from an address after N wrong ones, for that address only, until the window passes", () => {
    let now = 0;
    const a = new SecretAttempts({ perWindow: 3, windowMs: 1000, maxKeys: 100 }, () => now);
    for (let i = 0; i < 3; i++) {
      expect(a.allowed("agent", "10.0.0.1")).toBe(true);
      a.failed("agent", "10.0.0.1");
    }
    expect(a.allowed("agent", "10.0.0.1")).toBe(false);
    expect(a.allowed("agent", "10.0.0.2")).toBe(true);
    expect(a.allowed("other", "10.0.0.1")).toBe(true);
    now = 1000;
    expect(a.allowed("agent", "10.0.0.1")).toBe(true);
    a.failed("agent", "10.0.0.1");
    a.succeeded("agent", "10.0.0.1");
    expect(a.allowed("agent", "10.0.0.1")).toBe(true);
  });
});
