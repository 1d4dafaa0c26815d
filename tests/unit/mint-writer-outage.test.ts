import { describe, expect, it } from "vitest";
import type { PendingWrite, WriteOutcome } from "@/lib/tokens/mint-batch";
import { MintWriter } from "@/lib/tokens/mint-writer";

const refusal = (n: number): PendingWrite["refusal"] & { error: string; description: string } => ({
  endpoint: "token",
  error: "invalid_client",
  description: `refusal ${n}`,
  clientId: null,
  agent: null,
  clientAddress: null,
  requestId: `r-${n}`,
  grantType: null,
});

/** The token endpoint's group commit when the database stops answering mid-batch. */
describe("mint writer when the store does not answer", () => {
  it("fails every request of a batch whose store did not answer, without retrying them one by one", async () => {
    const batches: number[] = [];
    const lost = Object.assign(new Error("Connection terminated unexpectedly"), {});
    const writer = new MintWriter({
      async write(items: readonly PendingWrite[]): Promise<WriteOutcome[]> {
        batches.push(items.length);
        throw lost;
      },
    });
    const results = await Promise.allSettled([1, 2, 3].map((n) => writer.refuse(refusal(n), [])));
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(results.map((r) => (r as PromiseRejectedResult).reason)).toEqual([lost, lost, lost]);
    // One attempt: the batch may have committed with its answer lost, and retrying its parts would repeat it.
    expect(batches).toEqual([3]);
  });

  it("still retries a failing batch one request at a time when the store answered with an error, so only the culprit fails", async () => {
    const batches: number[] = [];
    const writer = new MintWriter({
      async write(items: readonly PendingWrite[]): Promise<WriteOutcome[]> {
        batches.push(items.length);
        if (items.some((i) => i.type === "refusal" && i.refusal.description === "refusal 2"))
          throw new Error("value too long for column");
        return items.map(() => ({ type: "refused" }));
      },
    });
    const results = await Promise.allSettled([1, 2, 3].map((n) => writer.refuse(refusal(n), [])));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(batches).toEqual([3, 1, 1, 1]);
  });
});
