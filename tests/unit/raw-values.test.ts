import { describe, expect, it } from "vitest";
import { parameterCount, placeholders, shiftParameters } from "@/lib/db/raw-values";

describe("placeholders", () => {
  const sql = `SELECT * FROM "T" WHERE "a" = $2 AND ("b" = $1 OR "c" = $2) AND "d" > $3`;

  it("binds SQLite's ? in the order the $n appear, repeating a value used twice", () => {
    expect(placeholders("sqlite", sql, ["one", "two", 3])).toEqual([
      `SELECT * FROM "T" WHERE "a" = ? AND ("b" = ? OR "c" = ?) AND "d" > ?`,
      ["two", "one", "two", 3],
    ]);
  });

  it("binds each call's own values when the same text runs again (the rewrite is reused, not the values)", () => {
    placeholders("sqlite", sql, ["one", "two", 3]);
    expect(placeholders("sqlite", sql, ["x", "y", 9])[1]).toEqual(["y", "x", "y", 9]);
  });

  it("leaves PostgreSQL's text and values as they are", () => {
    const params = ["one", "two", 3];
    const [text, values] = placeholders("postgresql", sql, params);
    expect(text).toBe(sql);
    expect(values).toEqual(params);
    expect(values).not.toBe(params);
  });

  it("counts and renumbers parameters for splicing statements together", () => {
    expect(parameterCount(sql)).toBe(3);
    expect(parameterCount(`SELECT 1`)).toBe(0);
    expect(shiftParameters(sql, 10)).toBe(
      `SELECT * FROM "T" WHERE "a" = $12 AND ("b" = $11 OR "c" = $12) AND "d" > $13`,
    );
  });
});
