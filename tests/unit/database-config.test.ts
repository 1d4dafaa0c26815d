import { describe, expect, it } from "vitest";
import { describeDatabase, resolveDatabaseConfig } from "@/lib/db/config";

describe("database selection", () => {
  it("defaults to an embedded SQLite file inside the project", () => {
    expect(resolveDatabaseConfig({}, "/srv/mandate")).toEqual({
      provider: "sqlite",
      file: "/srv/mandate/data/mandate.db",
    });
  });
  it("uses PostgreSQL for a postgres URL", () => {
    for (const url of ["postgres://u@db:5432/mandate", "postgresql://u@db/mandate"]) {
      expect(resolveDatabaseConfig({ DATABASE_URL: url })).toEqual({ provider: "postgresql", url });
    }
  });
  it("accepts file: URLs relative to the project or absolute", () => {
    expect(resolveDatabaseConfig({ DATABASE_URL: "file:./x/y.db" }, "/p")).toEqual({
      provider: "sqlite",
      file: "/p/x/y.db",
    });
    expect(resolveDatabaseConfig({ DATABASE_URL: "file:/tmp/z.db" }, "/p")).toEqual({
      provider: "sqlite",
      file: "/tmp/z.db",
    });
  });
  it("refuses anything else with a clear message", () => {
    expect(() => resolveDatabaseConfig({ DATABASE_URL: "mysql://db/x" })).toThrow(/postgres:\/\/ URL or a file: path/);
  });
  it("never prints credentials when describing the store", () => {
    expect(describeDatabase({ provider: "postgresql", url: "postgres://u:secret@db:6432/m" })).toBe(
      "PostgreSQL db:6432/m",
    );
  });
});
