import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createDb } from "@/lib/db/client";
import { migrateDatabase } from "@/lib/db/migrate";

/** The embedded store's files are owner-only, whatever the umask would give (SQLite-only by nature). */
describe("embedded database files", () => {
  const root = mkdtempSync(join(tmpdir(), "mandate-private-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const mode = (path: string) => statSync(path).mode & 0o777;

  it("creates data/, the database, its WAL and shared memory owner-only", async () => {
    const previous = process.umask(0o022);
    try {
      const file = join(root, "data", "mandate.db");
      await migrateDatabase({ provider: "sqlite", file });
      const db = createDb({ provider: "sqlite", file });
      await db.signInAttempt.create({ data: { account: "a@b.example", clientAddress: null, occurredAt: new Date() } });
      expect(existsSync(`${file}-wal`)).toBe(true);
      expect(existsSync(`${file}-shm`)).toBe(true);
      expect({
        dir: mode(join(root, "data")),
        db: mode(file),
        wal: mode(`${file}-wal`),
        shm: mode(`${file}-shm`),
      }).toEqual({ dir: 0o700, db: 0o600, wal: 0o600, shm: 0o600 });
      await db.$disconnect();
    } finally {
      process.umask(previous);
    }
  });
});
