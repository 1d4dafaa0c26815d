import { describe, expect, it } from "vitest";
import { timeOfId, timeOrderedId } from "@/lib/ids/time-ordered-id";

describe("time-ordered ids", () => {
  it("are RFC 9562 version 7 UUIDs", () => {
    expect(timeOrderedId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
  it("encode their creation time and sort by it", () => {
    const t = Date.UTC(2026, 10, 27, 12, 0, 0);
    const a = timeOrderedId(t),
      b = timeOrderedId(t + 1),
      c = timeOrderedId(t + 60_000);
    expect(timeOfId(a)).toBe(t);
    expect([c, a, b].sort()).toEqual([a, b, c]);
  });
  it("are unique within one millisecond", () => {
    const ids = new Set(Array.from({ length: 1000 }, () => timeOrderedId(1_700_000_000_000)));
    expect(ids.size).toBe(1000);
  });
});
