import { describe, expect, it } from "vitest";
import { claimLinesSchema } from "@/lib/federation/workload-identities";

// The console's editor for a workload rule's required claims: one `name=value` per line.
describe("workload rule claims written as lines", () => {
  it("reads name=value lines, trimming, skipping blank lines, keeping '=' inside values", () => {
    expect(
      claimLinesSchema.parse(" kubernetes.io/namespace = ops \n\nref=refs/heads/main\njob_workflow_ref=a=b\n"),
    ).toEqual({
      "kubernetes.io/namespace": "ops",
      ref: "refs/heads/main",
      job_workflow_ref: "a=b",
    });
    expect(claimLinesSchema.parse("")).toEqual({});
  });

  it.each([
    ["a line without =", "ok=1\nnot a claim", "Line 2: write each claim as name=value"],
    ["a line with no name", "=ops", "Line 1: write each claim as name=value"],
    ["a claim named twice", "ref=a\nref=b", "Line 2: the claim ref is named twice"],
    ["a claim the grant checks itself", "sub=other", "iss, sub, aud and the time claims are checked already"],
  ])("refuses %s", (_name, text, message) => {
    const result = claimLinesSchema.safeParse(text);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(message);
  });

  it("refuses more than 10 claims", () => {
    const text = Array.from({ length: 11 }, (_, i) => `c${i}=v`).join("\n");
    expect(claimLinesSchema.safeParse(text).error?.issues[0]?.message).toBe("At most 10 required claims");
  });
});
