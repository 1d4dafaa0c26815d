import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Raw SQL, provider branches, locks and driver connections live only under
 * lib/db (its stores); the domain (lib/), the server and the app use Prisma
 * for ordinary reads and writes and call a store for the rest. This holds the
 * line: a file outside lib/db that writes SQL, asks which database it runs
 * on, or reaches for a driver or its row helpers is named here.
 */
const ROOT = join(__dirname, "..", "..");
const SCANNED = ["lib", "server", "app"];
const INSIDE_THE_BOUNDARY = "lib/db/";

const FORBIDDEN: { what: string; pattern: RegExp }[] = [
  { what: "a provider branch (providerOf)", pattern: /\bproviderOf\(/ },
  { what: "a raw Prisma query", pattern: /\$(queryRaw|executeRaw)(Unsafe)?\b/ },
  { what: "a raw Prisma query", pattern: /\bPrisma\.(sql|raw|join)\b/ },
  { what: "placeholder rewriting", pattern: /\bplaceholders\(/ },
  { what: "a driver query", pattern: /\bpool\.query\(|\bconn\.prepare\(/ },
  { what: "SQL text (SELECT … FROM)", pattern: /\bSELECT\b[^;`]*?\bFROM\s+("[A-Z]|\(|\$\{)/ },
  { what: "SQL text (SELECT 1)", pattern: /["'`]SELECT 1["'`]/ },
  { what: "SQL text (INSERT INTO)", pattern: /\bINSERT INTO\s+"/ },
  { what: "SQL text (UPDATE)", pattern: /\bUPDATE\s+"[A-Z]/ },
  { what: "SQL text (DELETE FROM)", pattern: /\bDELETE FROM\s+"/ },
  { what: "a PostgreSQL lock or notification", pattern: /\bpg_(advisory\w*|notify)\b/ },
  {
    what: "a driver or raw-row helper import",
    pattern:
      /from "(pg|better-sqlite3|@\/lib\/db\/(read-pool|read-rows|pg-writer|sqlite-writer|sqlite-write-thread|bulk-insert))"/,
  },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" || e.name === "generated" ? [] : sourceFiles(path);
    return /\.(ts|tsx)$/.test(e.name) ? [path] : [];
  });
}

describe("the storage boundary", () => {
  it("keeps raw SQL, provider branches and driver access inside lib/db", () => {
    const offences: string[] = [];
    for (const file of SCANNED.flatMap(sourceFiles)) {
      const path = relative(ROOT, join(ROOT, file)).split("\\").join("/");
      if (path.startsWith(INSIDE_THE_BOUNDARY)) continue;
      const text = readFileSync(join(ROOT, file), "utf8");
      for (const { what, pattern } of FORBIDDEN) if (pattern.test(text)) offences.push(`${path}: ${what}`);
    }
    expect(offences).toEqual([]);
  });

  it("recognises each kind of offence", () => {
    const samples = [
      "providerOf(db)",
      "db.$queryRawUnsafe(sql)",
      "tx.$executeRaw`x`",
      "Prisma.sql`SELECT 1`",
      "placeholders(p, sql, [])",
      "await pool.query(sql, [])",
      'const s = `SELECT "id" FROM "Agent" WHERE "id" = $1`',
      'db.$x("SELECT 1")',
      'INSERT INTO "ReviewItem" (…)',
      'UPDATE "AgentSession" SET',
      'DELETE FROM "SeenJti"',
      "SELECT pg_advisory_xact_lock(hashtext($1))",
      'import { readRows } from "@/lib/db/read-rows";',
    ];
    for (const sample of samples)
      expect(
        FORBIDDEN.some(({ pattern }) => pattern.test(sample)),
        sample,
      ).toBe(true);
    // Prose and Prisma calls are not SQL.
    for (const fine of [
      "Select a reviewer from the list",
      "db.agent.update({ where })",
      "// the update runs in one transaction",
    ]) {
      expect(
        FORBIDDEN.some(({ pattern }) => pattern.test(fine)),
        fine,
      ).toBe(false);
    }
  });
});
