import { describe, expect, it } from "vitest";
import { SqliteWriteThread } from "@/lib/db/sqlite-write-thread";
import { sqliteWriterOf, type SqliteWriter } from "@/lib/db/sqlite-writer";
import { dieMidTransactionJob, insertKeysJob, insertKeysThenFailJob, missingJob } from "../support/sqlite-test-jobs";
import { suiteDatabase } from "../support/suite-database";

/** The embedded store's write thread (lib/db/sqlite-write-thread.ts), behind the client's writer. */
describe("the SQLite write thread", () => {
  const suite = suiteDatabase("sqlite");
  const writer = (): SqliteWriter => {
    const w = sqliteWriterOf(suite.db);
    if (!w) throw new Error("no SQLite writer");
    return w;
  };
  const keys = async (prefix: string) =>
    (
      await suite.db.seenJti.findMany({
        where: { key: { startsWith: prefix } },
        select: { key: true },
        orderBy: { key: "asc" },
      })
    ).map((r) => r.key);

  it("commits a job's writes before answering, in the order jobs were posted", async () => {
    const counts = await Promise.all([
      writer().run(insertKeysJob, ["order:a", "order:b"]),
      writer().run(insertKeysJob, ["order:c"]),
    ]);
    // The second job saw the first one's rows: one after the other, in posting order.
    expect(counts[1]).toBe(counts[0] + 1);
    expect(await keys("order:")).toEqual(["order:a", "order:b", "order:c"]);
  });

  it("rolls back a job that throws and reports its error, and the thread goes on", async () => {
    await expect(writer().run(insertKeysThenFailJob, ["fail:a"])).rejects.toThrow("refused after writing");
    expect(await keys("fail:")).toEqual([]);
    // A constraint violation comes back with SQLite's code.
    await writer().run(insertKeysJob, ["dup:a"]);
    await expect(writer().run(insertKeysJob, ["dup:b", "dup:a"])).rejects.toMatchObject({
      code: "SQLITE_CONSTRAINT_PRIMARYKEY",
    });
    expect(await keys("dup:")).toEqual(["dup:a"]);
    await expect(writer().run(missingJob, null)).rejects.toThrow(/exports no job noSuchExport/);
  });

  it("fails the jobs a dead thread held, commits none of their writes, and starts a new thread for the next job", async () => {
    await expect(writer().run(dieMidTransactionJob, ["dead:a"])).rejects.toThrow(/exited with code 3/);
    expect(await keys("dead:")).toEqual([]);
    await writer().run(insertKeysJob, ["after:a"]);
    expect(await keys("after:")).toEqual(["after:a"]);
  });

  it("preloads jobs without running them, and refuses to preload a job that does not exist", async () => {
    await writer().close();
    await writer().preload([insertKeysJob]);
    expect(await keys("preload:")).toEqual([]);
    await writer().run(insertKeysJob, ["preload:a"]);
    expect(await keys("preload:")).toEqual(["preload:a"]);
    await expect(writer().preload([missingJob])).rejects.toThrow(/exports no job noSuchExport/);
  });

  it("closes only once the jobs already posted have committed (a shutdown drains the thread)", async () => {
    if (suite.fresh.config.provider !== "sqlite") throw new Error("expected sqlite");
    const thread = new SqliteWriteThread(suite.fresh.config.file);
    await thread.preload([insertKeysJob]);
    const jobs = Array.from({ length: 20 }, (_, i) =>
      thread.run(insertKeysJob, [`drain:${String(i).padStart(2, "0")}`]),
    );
    await thread.close();
    await expect(Promise.all(jobs)).resolves.toHaveLength(20);
    expect(await keys("drain:")).toHaveLength(20);
  });

  it("takes turns with Prisma's interactive transactions: none fails for the other's write lock", async () => {
    // Each Prisma transaction reads, yields, then writes: on a second connection without the gate, a job committing
    // in between would make its first write fail with SQLITE_BUSY.
    const prisma = Array.from({ length: 10 }, (_, i) =>
      suite.db.$transaction(async (tx) => {
        await tx.seenJti.count();
        await new Promise((r) => setTimeout(r, 2));
        await tx.seenJti.create({ data: { key: `tx:${i}`, expiresAt: new Date(Date.now() + 60_000) } });
      }),
    );
    const jobs = Array.from({ length: 10 }, (_, i) => writer().run(insertKeysJob, [`job:${i}`]));
    await Promise.all([...prisma, ...jobs]);
    expect(await keys("tx:")).toHaveLength(10);
    expect(await keys("job:")).toHaveLength(10);
  });
});
