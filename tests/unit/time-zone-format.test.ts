import { describe, expect, it } from "vitest";
import { formatDateTime, utcInputToIso } from "@/lib/utils/format";

// Issue 23: 17:00 New York showed as an unlabelled 21:00. Every shown time names its zone,
// and a typed time is read in that same zone.
describe("times in the console", () => {
  it("show their zone", () => {
    expect(formatDateTime("2026-11-27T21:00:00.000Z")).toBe("Nov 27, 2026 21:00 UTC");
  });

  it("read a datetime-local value as UTC, whatever the machine's zone", () => {
    expect(utcInputToIso("2030-01-15T17:00")).toBe("2030-01-15T17:00:00.000Z");
    expect(utcInputToIso("2030-01-15T17:00:30")).toBe("2030-01-15T17:00:30.000Z");
  });

  it("refuse what is not a datetime-local value", () => {
    expect(utcInputToIso("")).toBeUndefined();
    expect(utcInputToIso("2030-01-15T17:00Z")).toBeUndefined();
    expect(utcInputToIso("2030-02-31T10:00")).toBeUndefined();
    expect(utcInputToIso("tomorrow")).toBeUndefined();
  });
});
