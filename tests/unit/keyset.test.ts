import { describe, expect, it } from "vitest";
import { keysetBy } from "@/lib/pagination/keyset";

describe("keysetBy", () => {
  it("orders by the field then id, and selects nothing extra on the first page", () => {
    expect(keysetBy("name", "asc", "forward", null)).toEqual({ past: {}, orderBy: [{ name: "asc" }, { id: "asc" }] });
  });
  it("walks forward past the boundary in the natural order", () => {
    expect(keysetBy("name", "asc", "forward", { key: "m", id: "7" })).toEqual({
      past: { AND: [{ name: { gte: "m" } }, { OR: [{ name: { gt: "m" } }, { name: "m", id: { gt: "7" } }] }] },
      orderBy: [{ name: "asc" }, { id: "asc" }],
    });
  });
  it("walks backward by flipping both the comparison and the order", () => {
    const at = new Date("2026-11-27T00:00:00Z");
    expect(keysetBy("createdAt", "desc", "backward", { key: at, id: "7" })).toEqual({
      past: {
        AND: [{ createdAt: { gte: at } }, { OR: [{ createdAt: { gt: at } }, { createdAt: at, id: { gt: "7" } }] }],
      },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    });
    expect(keysetBy("createdAt", "desc", "forward", { key: at, id: "7" }).past).toEqual({
      AND: [{ createdAt: { lte: at } }, { OR: [{ createdAt: { lt: at } }, { createdAt: at, id: { lt: "7" } }] }],
    });
  });
});
